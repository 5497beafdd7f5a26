import { type ChangeEvent, type KeyboardEvent, useState } from 'react';

type TextControl = HTMLInputElement | HTMLTextAreaElement;

/**
 * A text control over a value it does not own. While the user types it shows the typed text
 * (so "1.1.1.1, " keeps its comma), and commits it on every change or only on blur/Enter.
 * Escape drops what was typed.
 */
export function useDraft(
  value: string,
  onCommit: (text: string) => void,
  commitOn: 'change' | 'blur',
) {
  const [draft, setDraft] = useState<string | null>(null);
  const commit = (text: string) => {
    if (text !== value) onCommit(text);
  };
  return {
    draft,
    props: {
      value: draft ?? value,
      onChange: (event: ChangeEvent<TextControl>) => {
        setDraft(event.target.value);
        if (commitOn === 'change') onCommit(event.target.value);
      },
      onBlur: () => {
        if (draft !== null && commitOn === 'blur') commit(draft);
        setDraft(null);
      },
      onKeyDown: (event: KeyboardEvent<TextControl>) => {
        if (event.key === 'Escape' && draft !== null) {
          event.preventDefault();
          setDraft(null);
        }
        if (
          event.key === 'Enter' &&
          commitOn === 'blur' &&
          event.currentTarget.tagName === 'INPUT'
        ) {
          event.preventDefault();
          if (draft !== null) commit(draft);
          setDraft(null);
        }
      },
    },
  };
}
