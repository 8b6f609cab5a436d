/**
 * Follows the mail node's mailbox with one long-lived `tail -F -n +1`: every message already there,
 * then each new one as Postfix appends it. `-F` follows the name, so a learner emptying the mailbox
 * (`: > /var/mail/lab`) or a mail reader rewriting it does not end the watch; messages seen before
 * (same Postfix queue id) are not reported again.
 */
import type { LineStream } from '../engine/exec.ts';
import { messageKey, MboxReader, type MailMessage } from './mbox.ts';

/** Where the node image's Postfix delivers every message (docker/node). */
export const MAILBOX = '/var/mail/lab';

/** Deliveries remembered for de-duplication; a lab session sees far fewer. */
const SEEN_LIMIT = 10_000;

/**
 * Start following the mailbox; `onMessage` gets each new message once. `watch` runs the command in
 * the mail node (LabInstance.watchLines bound to it).
 */
export async function watchMailbox(
  watch: (command: string, onLine: (line: string) => void) => Promise<LineStream>,
  onMessage: (message: MailMessage) => void,
): Promise<LineStream> {
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

  return watch(`tail -F -n +1 ${MAILBOX} 2>/dev/null`, (line) => {
    deliver(reader.push(line));
    flushAfterBurst();
  });
}
