// What a recovery session's page does: add a passkey, and nothing else
// (the session may do nothing else; docs/api.md "Passkey management").
import { $, auth, run } from './ui.ts';

export function initRecovery(): void {
  $<HTMLFormElement>('recovery-add-form')?.addEventListener('submit', (event) => {
    event.preventDefault();
    const nickname = $<HTMLInputElement>('recovery-nickname')?.value.trim() ?? '';
    void run($<HTMLButtonElement>('recovery-add-passkey'), async () => {
      await auth.passkeys.add(nickname ? { nickname } : {});
      // The session is a normal one now: the account page opens, where the lost passkey can go.
      location.assign('/account?recovered=1');
    });
  });
}
