/**
 * The delivery and registration readers of nodes/PortalDuct/api/ (deliveries.ts, registrations.ts):
 * status words by meaning, where the fields are read from, which id a delivery is keyed on.
 */
import { readDelivery, readRegistration, statusMeaning } from '../../nodes/PortalDuct/api';

describe('statusMeaning', () => {
	test.each([
		['success', 'success'], ['SUCCEEDED', 'success'], ['Connected', 'success'], ['ok', 'success'], ['logged-in', 'success'],
		['failure', 'failure'], ['Login_Failed', 'failure'], ['invalid credentials', 'failure'], ['LOCKED-OUT', 'failure'], ['password.expired', 'failure'],
		['pending', 'pending'], ['In Progress', 'pending'], ['QUEUED', 'pending'], ['not_started', 'pending'],
		['paused', 'other'], ['', 'other'], [undefined, 'other'], [true, 'other'], [3, 'other'],
	] as const)('%j -> %s', (word, meaning) => {
		expect(statusMeaning(word)).toBe(meaning);
	});
});

describe('readDelivery', () => {
	test('the contract\'s shape', () => {
		expect(readDelivery({ eventId: 'e1', status: 'failure', clientUUID: 'c' })).toMatchObject({ status: 'failure', statusSent: 'failure', eventId: 'e1' });
	});

	test('a wrapper is read when the top level has no status; the envelope id counts, a wrapper `id` does not', () => {
		expect(readDelivery({ id: 'evt', data: { id: 'conn', status: 'Active' } })).toMatchObject({ status: 'success', eventId: 'evt' });
		const wrapped = readDelivery({ payload: { id: 'conn', state: 'error' } });
		expect(wrapped.status).toBe('failure');
		expect(wrapped.eventId).toBeUndefined();
		expect(readDelivery({ data: { event_id: 'e2', status: 'queued' } })).toMatchObject({ status: 'pending', eventId: 'e2' });
	});

	test('a status sent as an object is read by its code', () => {
		expect(readDelivery({ status: { code: 'LOGIN_FAILED', message: 'x' } })).toMatchObject({ status: 'failure', statusSent: 'LOGIN_FAILED' });
	});

	test.each([[[]], ['text'], [null], [42]])('%j is status other, with no fields', (body) => {
		expect(readDelivery(body)).toEqual({ status: 'other' });
	});
});

describe('readRegistration', () => {
	test.each([
		[{ webhookId: 'w', url: 'u' }, { webhookId: 'w', url: 'u' }],
		[{ webhook_id: 'w', url: 'u' }, { webhookId: 'w', url: 'u' }],
		[{ data: { id: 7, url: 'u' } }, { webhookId: '7', url: 'u' }],
		[{ webhookId: 'w' }, undefined],
		['', undefined],
	])('%j', (body, read) => {
		expect(readRegistration(body)).toEqual(read);
	});
});
