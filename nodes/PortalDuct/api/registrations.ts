/**
 * Readers of PortalDuct's answers about the account's webhook registration: POST [doc], GET and
 * DELETE [assumed]. Names [assumed] with their variants; statuses that say "not served".
 */
import type { IDataObject } from 'n8n-workflow';

import { pick } from './answers';

/** A registration as PortalDuct answers it: `{webhookId, url}` [assumed], also `webhook_id` / `id`, under `data`. */
export interface RegistrationAnswer {
	webhookId?: string;
	url: string;
}

const urlNames = ['url', 'webhookUrl', 'webhook_url', 'callbackUrl', 'callback_url'];
const idNames = ['webhookId', 'webhook_id', 'webhookUUID', 'webhook_uuid', 'id'];

/** Reads a registration answer; undefined when it holds no URL (e.g. POST answered without a body). */
export function readRegistration(body: unknown): RegistrationAnswer | undefined {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
	const top = body as IDataObject;
	const inner = typeof top.data === 'object' && top.data !== null && !Array.isArray(top.data) ? (top.data as IDataObject) : undefined;
	const url = pick(top, urlNames) ?? pick(inner, urlNames);
	if (typeof url !== 'string') return undefined;
	const id = pick(top, idNames) ?? pick(inner, idNames);
	return { url, webhookId: id === undefined ? undefined : String(id) };
}

/**
 * Statuses with which a PortalDuct that serves only POST of the registration (what its guide
 * names) answers GET or DELETE: 405 Method Not Allowed, 501 Not Implemented. A 404 means "none
 * registered" by the contract; see transport/registration.ts for how it is read.
 */
export const registrationNotServedStatuses = [405, 501] as const;
