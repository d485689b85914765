// `npm run bench`: every benchmark of the project, printed for the notes.
import { benchBundles } from './bundles.ts';
import { benchClientBundle } from './client-bundle.ts';
import { benchColdSignIn } from './cold-signin.ts';
import { benchEmailFlows } from './email-flows.ts';
import { benchGoogleChain } from './google-chain.ts';
import { benchLoginVerify } from './login-verify.ts';
import { benchSessionCheck } from './session-check.ts';
import { benchStartup } from './startup.ts';

await benchStartup();
await benchLoginVerify();
await benchSessionCheck();
await benchEmailFlows();
await benchGoogleChain();
await benchColdSignIn();
await benchBundles();
await benchClientBundle();
