/**
 * Playing PortalDuct's side of the trigger in engine tests: a portal login change [assumed
 * payload], POSTed to the URL the sandbox holds and signed with the secret it holds, as the
 * sandbox signs (`x-portalduct-signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`).
 */
import { createHmac, randomUUID } from 'node:crypto';

import axios from 'axios';
import type { IDataObject } from 'n8n-workflow';

import type { Sandbox } from '../tools/sandbox';
import { triggerWorkflow, uuid, type WorkflowJson } from './workflows';

/** A trigger workflow with an id of its own (static data and the trigger's process memory are per workflow). */
export const ownTriggerWorkflow = (options: IDataObject = {}, statuses?: string[]): WorkflowJson =>
	triggerWorkflow({ options, statuses, next: 'Handle', id: `wf${randomUUID().replace(/-/g, '').slice(0, 14)}` });

/** A portal login change with a fresh eventId. */
export const portalLoginChange = (status = 'failure', message = 'test delivery'): IDataObject => ({
	eventId: randomUUID(),
	event: 'clientPortalLoginChange',
	occurredAt: new Date().toISOString(),
	customerUUID: uuid(),
	clientUUID: uuid(),
	connection_uuid: uuid(),
	portalName: 'Ariba',
	status,
	retryRequired: status === 'failure',
	message,
});

/**
 * POSTs `body` to `url` (default: the URL the sandbox holds), signed with the registered secret
 * unless `signed` is false or there is none. Resolves the answer's status and parsed body.
 */
export async function deliverTo(
	sandbox: Sandbox,
	body: IDataObject,
	options: { signed?: boolean; url?: string } = {},
): Promise<{ status: number; body: IDataObject }> {
	return await deliverRawTo(sandbox, JSON.stringify(body), options);
}

/**
 * POSTs `raw` as it is (any text: an array, nothing, not JSON at all) with `contentType`, signed
 * like `deliverTo`. Resolves the answer's status and parsed body.
 */
export async function deliverRawTo(
	sandbox: Sandbox,
	raw: string,
	{ signed = true, url, contentType = 'application/json' }: { signed?: boolean; url?: string; contentType?: string } = {},
): Promise<{ status: number; body: IDataObject }> {
	const registration = sandbox.state.registration!;
	const headers: Record<string, string> = { 'content-type': contentType };
	if (signed && registration.secret) {
		const t = Math.floor(Date.now() / 1000);
		headers['x-portalduct-signature'] = `t=${t},v1=${createHmac('sha256', registration.secret).update(`${t}.${raw}`).digest('hex')}`;
	}
	// transformRequest as is: axios would otherwise rewrite a body that is not JSON (an empty one to "").
	const answer = await axios.post(url ?? registration.url, raw, { headers, validateStatus: () => true, transformRequest: [(data: unknown) => data] });
	return { status: answer.status, body: answer.data as IDataObject };
}
