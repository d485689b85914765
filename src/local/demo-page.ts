// The demo app moved to ./demo-app.ts; this name stays for existing callers.
export { mountDemoApp as mountDemoPage } from './demo-app.ts';
