export { createDispatcher, type Dispatch } from './dispatcher';
export { EventHub, type EventListener } from './event-hub';
export { createHandlers, type FileDialogKind, type HandlerDeps } from './handlers';
