/**
 * Two PortalDuct environments for one credential: the world's sandbox plays A, a second sandbox
 * plays B, each with a webhook registration that names it (`in-a`, `in-b`, read by Webhook > Get),
 * and the stored credential's Base URL becomes the expression `$json.env === 'b' ? B : A`.
 */
import { startSandbox, type Sandbox } from '../tools/sandbox';
import type { World } from './fixture';
import { CREDENTIAL_ID } from './workflows';

export async function twoEnvironments(w: World): Promise<{ a: Sandbox; b: Sandbox }> {
	const a = w.sandbox;
	const b = await startSandbox();
	a.state.registration = { webhookId: 'in-a', url: 'http://127.0.0.1:1/a', createdAt: new Date().toISOString() };
	b.state.registration = { webhookId: 'in-b', url: 'http://127.0.0.1:1/b', createdAt: new Date().toISOString() };
	w.harness.credentials.set(CREDENTIAL_ID, 'portalDuctApi', {
		...w.storedCredential(),
		baseUrl: `={{ $json.env === 'b' ? '${b.url}' : '${a.url}' }}`,
	});
	return { a, b };
}
