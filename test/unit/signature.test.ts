/**
 * The trigger's delivery checks (nodes/PortalDuctTrigger/verify.ts) as pure functions. Known-good
 * signatures are made here with node:crypto from the documented scheme (docs/openapi.yaml):
 * `X-PortalDuct-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`.
 */
import { createHmac } from 'node:crypto';

import { SIGNATURE_TOLERANCE_SECONDS, sameSecret, verifySignature } from '../../nodes/PortalDuctTrigger/verify';

const SECRET = 'registered-secret-0123456789abcdef';
const NOW = 1_760_000_000;
/** Raw bytes as PortalDuct sent them: spacing a JSON re-serialization would not keep. */
const BODY = '{"eventId": "e-1",  "status":"success"}';

/** The documented scheme, independent of the code under test. */
function sign(timestamp: number | string, body: string | Buffer, secret = SECRET): string {
	return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}
const header = (timestamp: number, ...signatures: string[]) => [`t=${timestamp}`, ...signatures.map((s) => `v1=${s}`)].join(',');

describe('verifySignature accepts', () => {
	test.each([
		['a signature made now', header(NOW, sign(NOW, BODY)), BODY],
		['the raw body given as a Buffer', header(NOW, sign(NOW, BODY)), Buffer.from(BODY)],
		['the oldest timestamp in the window', header(NOW - SIGNATURE_TOLERANCE_SECONDS, sign(NOW - SIGNATURE_TOLERANCE_SECONDS, BODY)), BODY],
		['the newest timestamp in the window', header(NOW + SIGNATURE_TOLERANCE_SECONDS, sign(NOW + SIGNATURE_TOLERANCE_SECONDS, BODY)), BODY],
		['one good v1 among others (a secret being rotated)', header(NOW, sign(NOW, BODY, 'old-secret'), sign(NOW, BODY)), BODY],
		['upper-case hex', header(NOW, sign(NOW, BODY).toUpperCase()), BODY],
		['spaces around the parts', ` t=${NOW} , v1=${sign(NOW, BODY)} `, BODY],
		['an empty body', header(NOW, sign(NOW, '')), ''],
		['a body in UTF-8 beyond ASCII', header(NOW, sign(NOW, '{"portalName":"Überweisung €"}')), Buffer.from('{"portalName":"Überweisung €"}')],
	])('%s', (_case, signature, body) => {
		expect(verifySignature(signature, body, SECRET, NOW)).toEqual({ ok: true });
	});
});

describe('verifySignature refuses, with the reason', () => {
	test.each<[string, unknown, string | Buffer, string]>([
		['no header', undefined, BODY, 'no signature'],
		['an empty header', '', BODY, 'no signature'],
		['a blank header', '   ', BODY, 'no signature'],
		['a header that is not a string (repeated header)', [header(NOW, sign(NOW, BODY))], BODY, 'no signature'],
		['no timestamp', `v1=${sign(NOW, BODY)}`, BODY, 'malformed signature header'],
		['a timestamp that is not a number', `t=soon,v1=${sign(NOW, BODY)}`, BODY, 'malformed signature header'],
		['no v1', `t=${NOW}`, BODY, 'malformed signature header'],
		['an empty v1', `t=${NOW},v1=`, BODY, 'malformed signature header'],
		['only another scheme version', `t=${NOW},v0=${sign(NOW, BODY)}`, BODY, 'malformed signature header'],
		['a timestamp just too old', header(NOW - SIGNATURE_TOLERANCE_SECONDS - 1, sign(NOW - SIGNATURE_TOLERANCE_SECONDS - 1, BODY)), BODY, 'signature timestamp outside the allowed window'],
		['a timestamp just too new', header(NOW + SIGNATURE_TOLERANCE_SECONDS + 1, sign(NOW + SIGNATURE_TOLERANCE_SECONDS + 1, BODY)), BODY, 'signature timestamp outside the allowed window'],
		['another body', header(NOW, sign(NOW, BODY)), BODY.replace('success', 'failure'), 'signature does not match'],
		['the body re-serialized (not the raw bytes)', header(NOW, sign(NOW, BODY)), JSON.stringify(JSON.parse(BODY)), 'signature does not match'],
		['another secret', header(NOW, sign(NOW, BODY, 'someone-else')), BODY, 'signature does not match'],
		['a timestamp changed after signing (replay)', header(NOW, sign(NOW - 60, BODY)), BODY, 'signature does not match'],
		['v1 that is not hex', header(NOW, 'z'.repeat(64)), BODY, 'signature does not match'],
		['v1 cut short', header(NOW, sign(NOW, BODY).slice(0, 62)), BODY, 'signature does not match'],
		['v1 with a byte too many', header(NOW, `${sign(NOW, BODY)}00`), BODY, 'signature does not match'],
	])('%s', (_case, signature, body, reason) => {
		expect(verifySignature(signature, body, SECRET, NOW)).toEqual({ ok: false, reason });
	});
});

describe('sameSecret (the URL token check)', () => {
	test.each<[string, string, unknown, boolean]>([
		['the same token', 'tok-123', 'tok-123', true],
		['another token', 'tok-123', 'tok-124', false],
		['a prefix of it', 'tok-123', 'tok-12', false],
		['it with more after', 'tok-123', 'tok-1234', false],
		['another case', 'tok-abc', 'TOK-ABC', false],
		['no token', 'tok-123', undefined, false],
		['an empty token', 'tok-123', '', false],
		['a repeated query parameter (an array)', 'tok-123', ['tok-123'], false],
		['a number', '123', 123, false],
		['anything, when none is expected', '', '', false],
	])('%s', (_case, expected, given, same) => {
		expect(sameSecret(expected, given)).toBe(same);
	});
});
