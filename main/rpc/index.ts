export { createDispatcher, type Dispatch } from './dispatcher';
export { EventHub, type EventListener } from './event-hub';
export { createHandlers, type HandlerDeps } from './handlers';
