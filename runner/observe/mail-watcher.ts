/**
 * Reads the mail node's mailbox as the grader's eyes follow it (`tail -F -n +1`, see
 * docker/node/rootfs/usr/local/sbin/kalab-eyes): every message already there, then each new one as
 * Postfix appends it. `-F` follows the name, so a learner emptying the mailbox (`: > /var/mail/lab`)
 * or a mail reader rewriting it does not end the watch; messages seen before (same Postfix queue
 * id) are not reported again, also when restarted eyes read the mailbox from its start once more.
 */
import { messageKey, MboxReader, type MailMessage } from './mbox.ts';

/** Where the node image's Postfix delivers every message (docker/node). */
export const MAILBOX = '/var/mail/lab';

/** Deliveries remembered for de-duplication; a lab session sees far fewer. */
const SEEN_LIMIT = 10_000;

/** A line sink for the mailbox's lines; `onMessage` gets each new message once. */
export function mailboxReader(onMessage: (message: MailMessage) => void): (line: string) => void {
  const reader = new MboxReader();
  const seen = new Set<string>();
  let flushQueued = false;

  const deliver = (message: MailMessage | undefined) => {
    if (!message) return;
    const key = messageKey(message);
    if (seen.has(key)) return;
    seen.add(key);
    if (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value!);
    onMessage(message);
  };
  // Lines of one burst of output arrive back to back; once the burst is over, the newest message is
  // complete if it ends with mbox's closing empty line (see MboxReader.takeComplete).
  const flushAfterBurst = () => {
    if (flushQueued) return;
    flushQueued = true;
    setImmediate(() => {
      flushQueued = false;
      deliver(reader.takeComplete());
    });
  };

  return (line) => {
    deliver(reader.push(line));
    flushAfterBurst();
  };
}
