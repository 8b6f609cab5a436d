/**
 * A lab copy on a subnet of its own (a classroom session, one of many solutions checked at once)
 * still runs text written for the lab's canonical subnet: tutorials, solutions, diagnoses name
 * 10.88.1.100. This maps those addresses to the copy's, token by token: only whole IPv4 addresses
 * inside the canonical /24 change (10.88.1.100 → 10.88.201.100, 10.88.1.0/24 → 10.88.201.0/24),
 * never a longer number that merely contains one (110.88.1.1, 10.88.1.100.5).
 */

/** The /24's first three octets: "10.88.1.0/24" → "10.88.1". */
export function subnetPrefix(subnet: string): string {
  return subnet.replace(/\.0\/24$/, '');
}

const escape = (s: string) => s.replace(/\./g, '\\.');

export interface AddressMap {
  from: string;
  to: string;
  /** The text with every canonical address token replaced, and how many were. */
  apply(text: string): { text: string; replaced: number };
}

export function addressMap(fromSubnet: string, toSubnet: string): AddressMap {
  const from = subnetPrefix(fromSubnet);
  const to = subnetPrefix(toSubnet);
  // Not after a digit or a dot (110.88.1.1, 1.10.88.1.1), not before more digits or another octet.
  const token = new RegExp(`(?<![\\d.])${escape(from)}\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?![\\d]|\\.\\d)`, 'g');
  return {
    from,
    to,
    apply(text) {
      let replaced = 0;
      const out = from === to ? text : text.replace(token, (_m, host: string) => {
        replaced++;
        return `${to}.${host}`;
      });
      return { text: out, replaced };
    },
  };
}
