/**
 * A client asked for something the server will not do (unknown lab, node or step, a path outside
 * /etc/keepalived/, a lab that is not running). The message goes back to the page as an `error`
 * message; the server carries on.
 *
 * Made from a sentence (runner/shared/sentences.ts): the English `message` is rendered from it, and
 * the page gets the sentence too, to word it in its own language.
 */
import { KalabError } from '../shared/errors.ts';
import { renderSentence, type Said, type Sentence } from '../shared/sentences.ts';

export class RequestError extends KalabError {
  readonly sentence: Sentence;

  constructor(sentence: Sentence, options: { cause?: unknown } = {}) {
    super(renderSentence(sentence), options);
    this.sentence = sentence;
  }
}

/** What an error says to a page: its English, and its sentence when it has one. */
export function saidBy(err: KalabError): Said {
  return err instanceof RequestError ? { message: err.message, sentence: err.sentence } : { message: err.message };
}
