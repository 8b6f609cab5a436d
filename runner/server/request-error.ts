/**
 * A client asked for something the server will not do (unknown lab, node or step, a path outside
 * /etc/keepalived/, a lab that is not running). The message goes back to the page as an `error`
 * message; the server carries on.
 */
import { KalabError } from '../shared/errors.ts';

export class RequestError extends KalabError {}
