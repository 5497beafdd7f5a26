// The elevated writer process: `node out/main/writer.js <rendezvousDir>` (or the Electron binary
// with ELECTRON_RUN_AS_NODE=1). Thin on purpose: the protocol is in main/flash/writer/
// writer-process.ts, the work in execute-flash.ts and identify-card.ts. It connects back to the
// app through the private rendezvous folder, runs jobs until the app says stop or goes silent,
// then exits 0. It logs to stderr only what is safe to show (devices, phases, errors, never
// the payload: it carries the node's secrets).
import { serializeError } from '../../common/errors';
import { executeFlash } from '../flash/writer/execute-flash';
import { identifyCard } from '../flash/writer/identify-card';
import { runWriterProcess } from '../flash/writer/writer-process';

function log(message: string): void {
  process.stderr.write(`kubeflash-writer[${process.pid}]: ${message}\n`);
}

const rendezvousDir = process.argv[2];
if (!rendezvousDir || process.argv.length !== 3) {
  log('usage: writer.js <rendezvous folder>');
  process.exit(2);
}

// A stray rejection from a stream of a failed job must not take the other cards' jobs down.
process.on('unhandledRejection', (reason) => {
  log(`ignored an unhandled rejection: ${serializeError(reason).message}`);
});

runWriterProcess({
  rendezvousDir,
  identify: identifyCard,
  execute: async (request, onProgress, signal, followUps) => {
    const device = request.card.device;
    log(`flashing ${device}`);
    try {
      const result = await executeFlash(request, onProgress, signal, {
        imageExtent: followUps.extent,
        payload: followUps.payload,
      });
      log(`${device} done: ${result.bytesWritten} bytes written`);
      return result;
    } catch (error) {
      log(`${device} failed: ${serializeError(error).message}`);
      throw error;
    }
  },
  onExit: (reason) => {
    log(`exiting: ${reason}`);
    process.exit(0);
  },
}).then(
  () => log('connected to the app'),
  (error: unknown) => {
    log(`could not connect to the app: ${serializeError(error).message}`);
    process.exit(1);
  },
);
