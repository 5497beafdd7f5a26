export { type AtomicWriteOptions, type AtomicWriteResult, writeFileAtomic } from './atomic-write';
