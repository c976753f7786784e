/**
 * Readers of PortalDuct's webhook deliveries (portal login changes): statuses pending / success /
 * failure [doc]; the payload's names and shape [assumed]. A delivery is never refused for its
 * content: every reader here accepts the common variants (camelCase, snake_case, a wrapper object,
 * other status words) and says what it could not read by leaving a field out, never by throwing.
 */
import type { IDataObject } from 'n8n-workflow';

/** Portal-login status values [doc]. */
export const connectionStatuses = ['pending', 'success', 'failure'] as const;
export type ConnectionStatus = (typeof connectionStatuses)[number];
/** A delivery's status as the trigger hands it on: a [doc] status, or `other` (a word with no clear meaning). */
export type DeliveryStatus = ConnectionStatus | 'other';
export const deliveryStatuses: readonly DeliveryStatus[] = [...connectionStatuses, 'other'];

/**
 * Status words by meaning [assumed: PortalDuct's guide names pending, success and failure; other
 * services say the same in these words]. Compared without case, spaces, hyphens, underscores or
 * dots (`Login-Failed`, `login_failed` and `LOGIN FAILED` are one word). A word not here is `other`.
 */
const statusWords: Record<ConnectionStatus, string[]> = {
	success: [
		'success', 'succeeded', 'successful', 'succeed', 'ok', 'okay', 'connected', 'active', 'completed', 'complete',
		'done', 'valid', 'validated', 'verified', 'authenticated', 'authorized', 'loggedin', 'loginsuccess',
		'loginsucceeded', 'loginsuccessful', 'loginok', 'passed', 'approved', 'live', 'healthy', 'working',
		'established', 'linked', 'online', 'good', 'resolved', 'synced',
	],
	failure: [
		'failure', 'failed', 'fail', 'fails', 'error', 'errored', 'errors', 'loginfailed', 'loginfailure', 'loginerror',
		'invalidcredentials', 'invalidpassword', 'invalidlogin', 'invalid', 'badcredentials', 'wrongcredentials',
		'wrongpassword', 'credentialsinvalid', 'credentialsexpired', 'passwordexpired', 'unauthorized',
		'unauthorised', 'notauthorized', 'unauthenticated', 'forbidden', 'locked', 'lockedout', 'accountlocked',
		'expired', 'rejected', 'denied', 'accessdenied', 'authfailed', 'authenticationfailed', 'authfailure',
		'retry', 'retryrequired', 'actionrequired', 'reauthrequired', 'reauthenticate', 'unhealthy', 'broken',
		'disconnected', 'unreachable', 'blocked', 'suspended', 'mfarequired', 'captcharequired',
	],
	pending: [
		'pending', 'inprogress', 'progress', 'queued', 'queue', 'processing', 'waiting', 'submitted', 'started',
		'running', 'new', 'created', 'initiated', 'initializing', 'awaiting', 'awaitinglogin', 'verifying',
		'validating', 'connecting', 'checking', 'scheduled', 'inreview', 'notstarted', 'received', 'accepted',
		'loggingin', 'syncing', 'pendinglogin', 'pendingverification',
	],
};

/** The comparable form of a status word: lower case, without spaces, hyphens, underscores or dots. */
function normaliseWord(word: string): string {
	return word.toLowerCase().replace(/[\s_.-]+/g, '');
}

const meaningOfWord = new Map<string, ConnectionStatus>();
for (const meaning of connectionStatuses) for (const word of statusWords[meaning]) meaningOfWord.set(word, meaning);

/**
 * The meaning of a status word PortalDuct sent: pending / success / failure when the word says so
 * clearly (any case and spelling, see `statusWords`), else `other` (a missing or non-string word
 * too). Never throws.
 */
export function statusMeaning(word: unknown): DeliveryStatus {
	if (typeof word !== 'string') return 'other';
	return meaningOfWord.get(normaliseWord(word)) ?? 'other';
}

/** Field names read from a delivery, the contract's first [assumed], then common variants. */
export const deliveryFields = {
	eventId: [
		'eventId', 'event_id', 'eventID', 'eventUUID', 'eventUuid', 'event_uuid', 'webhookEventId', 'webhook_event_id',
		'deliveryId', 'delivery_id', 'notificationId', 'notification_id', 'messageId', 'message_id',
	],
	/** Read at the top level only: inside a wrapper an `id` may well be the connection's. */
	envelopeId: ['id', 'uuid'],
	status: ['status', 'state', 'connectionStatus', 'connection_status', 'loginStatus', 'login_status', 'portalLoginStatus', 'portal_login_status'],
	clientUUID: ['clientUUID', 'clientUuid', 'client_uuid', 'clientId', 'client_id', 'clientID'],
	customerUUID: ['customerUUID', 'customerUuid', 'customer_uuid', 'customerId', 'customer_id', 'customerID'],
	connection_uuid: ['connection_uuid', 'connectionUuid', 'connectionUUID', 'connectionId', 'connection_id', 'connectionID'],
	portalName: ['portalName', 'portal_name', 'portal', 'portalId', 'portal_id'],
	message: ['message', 'error_message', 'errorMessage', 'statusMessage', 'status_message', 'reason', 'detail', 'description', 'error'],
	occurredAt: ['occurredAt', 'occurred_at', 'timestamp', 'eventTime', 'event_time', 'createdAt', 'created_at', 'time'],
	retryRequired: ['retryRequired', 'retry_required', 'requiresRetry', 'requires_retry', 'needsRetry', 'needs_retry'],
} as const;

/** Objects a delivery's fields may be wrapped in [assumed], tried in this order. */
export const deliveryWrappers = ['data', 'payload', 'event', 'body', 'detail'] as const;

const isObject = (value: unknown): value is IDataObject =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** A value of a delivery's JSON. */
export type DeliveryValue = IDataObject[string];

/** A delivery as read: where its fields are, and what it means. */
export interface ReadDelivery {
	/** The body when it is a JSON object; undefined for anything else (an array, text, nothing). */
	body?: IDataObject;
	/** The wrapper object the fields were also read from (`data`, `payload`, ...), if any. */
	wrapper?: IDataObject;
	/** pending / success / failure, or other. */
	status: DeliveryStatus;
	/** The status word PortalDuct sent, as sent (undefined when it sent none). */
	statusSent?: DeliveryValue;
	/** PortalDuct's event id (`deliveryFields.eventId`, else a top-level `id` / `uuid`), as a string; undefined when none. */
	eventId?: string;
}

/** The first of `names` that `source` has with a value (not undefined, null or ''); no copies (read per delivery). */
function first(source: IDataObject | undefined, names: readonly string[]): DeliveryValue {
	if (!source) return undefined;
	for (let i = 0; i < names.length; i++) {
		const value = source[names[i]];
		if (value !== undefined && value !== null && value !== '') return value;
	}
	return undefined;
}

/** The wrapper to read beside the top level: the first of `deliveryWrappers` holding an object, preferring one with a status when the top level has none. */
function wrapperOf(body: IDataObject): IDataObject | undefined {
	let firstObject: IDataObject | undefined;
	const topHasStatus = first(body, deliveryFields.status) !== undefined;
	for (const name of deliveryWrappers) {
		const candidate = body[name];
		if (!isObject(candidate)) continue;
		if (topHasStatus) return candidate;
		if (first(candidate, deliveryFields.status) !== undefined) return candidate;
		firstObject ??= candidate;
	}
	return firstObject;
}

/** A status sent as an object (`{"status": {"code": "failed"}}`): its code, value or name. */
function statusWordOf(value: DeliveryValue): DeliveryValue {
	return isObject(value) ? first(value, statusObjectNames) : value;
}
const statusObjectNames = ['code', 'value', 'name', 'status', 'state'];

/** The first of `names` with a value, at the top level, then in the wrapper. */
export function deliveryField(read: ReadDelivery, names: readonly string[]): DeliveryValue {
	return first(read.body, names) ?? first(read.wrapper, names);
}

/** The first of `names` whose value is text, at the top level, then in the wrapper (an `error` object is not a message). */
export function deliveryText(read: ReadDelivery, names: readonly string[]): string | undefined {
	for (const source of [read.body, read.wrapper]) {
		if (!source) continue;
		for (const name of names) {
			const value = source[name];
			if (typeof value === 'string' && value !== '') return value;
		}
	}
	return undefined;
}

/**
 * Reads a delivery's body as n8n parsed it. Any JSON value is accepted: a body that is not a JSON
 * object reads as status `other` with no fields. Cheap (a few property reads and one Map lookup).
 */
export function readDelivery(parsed: unknown): ReadDelivery {
	if (!isObject(parsed)) return { status: 'other' };
	const read: ReadDelivery = { body: parsed, wrapper: wrapperOf(parsed), status: 'other' };
	read.statusSent = statusWordOf(deliveryField(read, deliveryFields.status));
	read.status = statusMeaning(read.statusSent);
	const id = deliveryField(read, deliveryFields.eventId) ?? first(parsed, deliveryFields.envelopeId);
	if (typeof id === 'string' || typeof id === 'number') read.eventId = String(id);
	return read;
}

/** `retryRequired` as sent when it is a boolean (or the words true / false), else undefined. */
export function readRetryRequired(read: ReadDelivery): boolean | undefined {
	const value = deliveryField(read, deliveryFields.retryRequired);
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	return undefined;
}
