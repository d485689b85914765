import assert from 'node:assert/strict';
import type { LocalStack } from '../../src/local/stack.ts';
import { uniqueEmail } from './flows.ts';
import { codeIn, mailTo } from './mailbox.ts';

/** A 6-digit code `n` steps away from `code` (a wrong guess). */
export function otherCode(code: string, n = 1): string {
  return String((Number(code) + n) % 1_000_000).padStart(6, '0');
}

/** Every code mailed to these addresses so far (for the no-code-in-logs checks). */
export async function codesMailedTo(stack: LocalStack, addresses: Iterable<string>): Promise<string[]> {
  const codes: string[] = [];
  for (const address of addresses) {
    for (const mail of await mailTo(stack, address)) {
      const code = codeIn(mail);
      if (code) codes.push(code);
    }
  }
  return codes;
}

/** No log line holds any of `codes` as a number of its own (digits inside longer numbers, such as times, do not count). */
export function assertNoCodeLogged(logs: string[], codes: Iterable<string>): void {
  const all = [...codes];
  for (const line of logs) {
    for (const code of all) {
      assert.equal(new RegExp(`(?<!\\d)${code}(?!\\d)`).test(line), false, `a code is logged: ${line}`);
    }
  }
}

/**
 * Fresh addresses for one suite, remembered so that its closing test can
 * check that no code mailed to any of them reached a log line.
 */
export function mailedAddresses() {
  const addresses = new Set<string>();
  return {
    /** A unique address (`uniqueEmail`), remembered. */
    email(prefix: string): string {
      const address = uniqueEmail(prefix);
      addresses.add(address);
      return address;
    },
    /** Asserts that at least `atLeast` codes went to the remembered addresses and that none is in `stack.logs`. */
    async assertNoCodeLogged(stack: LocalStack & { logs: string[] }, atLeast: number): Promise<void> {
      const codes = await codesMailedTo(stack, addresses);
      assert.ok(codes.length >= atLeast, `codes were mailed (${codes.length})`);
      assertNoCodeLogged(stack.logs, codes);
    },
  };
}
