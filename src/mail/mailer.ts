import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { describeError, type Logger } from '../logging/logger.ts';
import type { MailMessage } from './messages.ts';

/** Sends the service's mail. One implementation: Amazon SES API v2, in AWS and locally (aws-ses-v2-local). */
export interface Mailer {
  /** Sends now; throws when SES refuses (a code the user waits for must not vanish silently). */
  send(message: MailMessage): Promise<void>;
  /** Sends a notice: a failure is logged and never fails the request that caused it. */
  notify(message: MailMessage, logger: Logger): Promise<void>;
}

export function createSesMailer(input: {
  client: SESv2Client;
  from: string;
  configurationSet: string | undefined;
}): Mailer {
  const { client, from, configurationSet } = input;
  async function send(message: MailMessage): Promise<void> {
    await client.send(
      new SendEmailCommand({
        FromEmailAddress: from,
        Destination: { ToAddresses: [message.to] },
        ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
        Content: {
          Simple: {
            Subject: { Data: message.subject, Charset: 'UTF-8' },
            Body: {
              Text: { Data: message.text, Charset: 'UTF-8' },
              Html: { Data: message.html, Charset: 'UTF-8' },
            },
          },
        },
      }),
    );
  }
  return {
    send,
    async notify(message, logger) {
      try {
        await send(message);
        logger.info('notice mailed', { kind: message.kind });
      } catch (error) {
        logger.error('notice could not be mailed', { kind: message.kind, ...describeError(error) });
      }
    },
  };
}
