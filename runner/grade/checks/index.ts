/**
 * From a lab's expectation (data) to a check (code). New expectation kinds are added here, as
 * reusable checks; nothing here is specific to one lab.
 */
import type { Expectation } from '../../lab/definition.ts';
import type { Check } from '../check.ts';
import { mailAnnouncement } from './mail-announces.ts';
import { servedBy } from './served-by.ts';
import { unicastOnly } from './unicast-only.ts';
import { vipOn } from './vip-on.ts';
import { vipStays } from './vip-stays.ts';

export function checkFor(expectation: Expectation): Check {
  if ('vip-on' in expectation) return vipOn(expectation['vip-on']);
  if ('served-by' in expectation) return servedBy(expectation['served-by']);
  if ('vip-stays' in expectation) return vipStays(expectation['vip-stays'].node, expectation['vip-stays'].intervals);
  if ('unicast-only' in expectation) return unicastOnly(expectation['unicast-only'].watchMs);
  if ('mail-announces' in expectation) {
    const { from, state, withinMs } = expectation['mail-announces'];
    return mailAnnouncement(from, state, withinMs);
  }
  throw new Error(`No check implements the expectation ${JSON.stringify(expectation)} yet.`);
}
