// `npm run bench`: every benchmark of the project, printed for the notes.
import { benchLoginVerify } from './login-verify.ts';
import { benchStartup } from './startup.ts';

await benchStartup();
await benchLoginVerify();
