import { useCallback, useState } from 'react';

export type ActionState<T> =
  | { status: 'idle' }
  | { status: 'busy' }
  | { status: 'done'; result: T }
  | { status: 'failed'; error: unknown };

/**
 * A user-started async call (save, unlock, write …): busy while it runs, then its result or its
 * error, kept apart so the component shows each where the user acted.
 */
export function useAction<A extends unknown[], T>(
  action: (...args: A) => Promise<T>,
): [ActionState<T>, (...args: A) => Promise<void>, () => void] {
  const [state, setState] = useState<ActionState<T>>({ status: 'idle' });
  const run = useCallback(
    async (...args: A) => {
      setState({ status: 'busy' });
      try {
        setState({ status: 'done', result: await action(...args) });
      } catch (error) {
        setState({ status: 'failed', error });
      }
    },
    [action],
  );
  const reset = useCallback(() => setState({ status: 'idle' }), []);
  return [state, run, reset];
}
