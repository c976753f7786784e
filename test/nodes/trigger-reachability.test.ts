/**
 * A trigger whose webhook URL PortalDuct cannot reach (n8n without WEBHOOK_URL behind a public
 * PortalDuct) refuses activation with a message naming WEBHOOK_URL, before anything is registered.
 */
import { unreachableReason } from '../../nodes/PortalDuctTrigger/reachability';
import type { WorkflowJson } from '../harness';
import { closeHarness, world, type World } from '../support/fixture';
import { CREDENTIAL_ID, triggerWorkflow } from '../support/workflows';

let w: World;
afterEach(async () => w.close());
afterAll(closeHarness);

const workflow = (): WorkflowJson => triggerWorkflow({ statuses: ['failure'] });

test('n8n on loopback with PortalDuct elsewhere: activation refused, naming WEBHOOK_URL, nothing sent', async () => {
	w = await world();
	// A PortalDuct on the internet (a documentation address: nothing is ever sent to it).
	w.harness.credentials.set(CREDENTIAL_ID, 'portalDuctApi', { ...w.storedCredential(), baseUrl: 'https://203.0.113.10' });
	const server = await w.harness.startWebhookServer({ workflow: workflow(), nodeName: 'PortalDuct Trigger' });
	try {
		await expect(server.hooks().activate()).rejects.toThrow(
			/^PortalDuct at https:\/\/203\.0\.113\.10 cannot reach this trigger: n8n's webhook URL http:\/\/127\.0\.0\.1:\d+\/webhook\/.* is a loopback address/,
		);
		await expect(server.hooks().activate()).rejects.toMatchObject({ description: expect.stringMatching(/WEBHOOK_URL/) });
		expect(w.sandbox.control.stats().requestsTotal).toBe(0);
	} finally {
		await server.close();
	}
});

test('n8n and the sandbox on the same machine: activation goes ahead', async () => {
	w = await world();
	const server = await w.harness.startWebhookServer({ workflow: workflow(), nodeName: 'PortalDuct Trigger' });
	try {
		expect(await server.hooks().activate()).toBe(true);
	} finally {
		await server.close();
	}
});

test.each([
	['http://localhost:5678/webhook/x/webhook', 'https://api.portalduct.example', 'a loopback address (this machine only)'],
	['http://[::1]:5678/webhook/x/webhook', 'https://203.0.113.10', 'a loopback address (this machine only)'],
	['http://192.168.1.20:5678/webhook/x/webhook', 'https://203.0.113.10', 'a private network address'],
	['http://10.0.0.5/webhook/x/webhook', 'https://198.51.100.7/', 'a private network address'],
	['http://192.168.1.20:5678/webhook/x/webhook', 'http://192.168.1.30:8787', undefined],
	['http://10.0.0.5/webhook/x/webhook', 'https://api.portalduct.example', undefined],
	['https://n8n.example.com/webhook/x/webhook', 'https://api.portalduct.example', undefined],
	['http://127.0.0.1:5678/webhook/x/webhook', 'http://localhost:8787', undefined],
])('webhook %s with PortalDuct at %s: %s', (webhookUrl, baseUrl, reason) => {
	expect(unreachableReason(webhookUrl, baseUrl)).toBe(reason);
});
