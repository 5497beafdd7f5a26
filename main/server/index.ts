export { newToken, WebAuth } from './auth';
export { type RunningWebServer, startWebServer, type WebServerOptions } from './web-server';
