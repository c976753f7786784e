import {
	NodeConnectionTypes,
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { CREDENTIAL_TYPE, deliveryStatuses, readDelivery, type DeliveryStatus } from '../PortalDuct/api';
import { deliveryKey, toItem } from './events';
import { checkExists, create, recordKey, recordOf, recordsOf, remove } from './lifecycle';
import { carryRecentEvents, firstInProcess, markSigned, seenSigned } from './recent-events';
import { SIGNATURE_HEADER, TOKEN_PARAMETER, sameSecret, verifySignature } from './verify';

export class PortalDuctTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'PortalDuct Trigger',
		name: 'portalDuctTrigger',
		icon: { light: 'file:portalduct.svg', dark: 'file:portalduct.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{ $parameter["statuses"].length === 4 ? "All portal login changes" : "Portal login: " + $parameter["statuses"].join(", ") }}',
		// n8n shows one description for the node and its trigger together: it speaks for both.
		description:
			'Onboard customers and clients, read invoices and balances, and start workflows when a client\'s portal login changes in PortalDuct',
		defaults: { name: 'PortalDuct Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		// What the editor's trigger panel says: how to cause an event, and where events go meanwhile.
		triggerPanel: {
			header: 'Listening for portal login changes from PortalDuct',
			executionsHelp: {
				inactive:
					"<b>While building your workflow</b>, click 'Test this trigger' (in this panel: 'Execute step'; 1.x: 'Listen for test event'), then have a client submit or re-enter portal credentials in PortalDuct's Client Credentials Collector (with the sandbox: its /collector page). The connection's first status (pending) arrives at once, success or failure after the login attempt.<br /><br /><b>Once you're happy with your workflow</b>, publish it (1.x: activate it). Then every portal login change runs the workflow; those executions are in the Executions list, not here.",
				active:
					"<b>While building your workflow</b>, click 'Test this trigger' (in this panel: 'Execute step'; 1.x: 'Listen for test event'): while the test runs, PortalDuct's events come here instead of the published workflow, which gets them again when the test ends.<br /><br /><b>Your workflow is published</b>, so every portal login change runs it; those executions are in the Executions list, not here.",
			},
			activationHint:
				"Once you've finished building your workflow, publish it (1.x: activate it) to have PortalDuct's portal login changes run it.",
		},
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'webhook',
				// The registered URL also carries this node's token: a URL copied from the panel would be refused.
				ndvHideUrl: true,
			},
		],
		properties: [
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				required: true,
				// 'other' joined the default later: a workflow saved with a list of its own keeps that list.
				default: ['pending', 'success', 'failure', 'other'],
				options: [
					{
						name: 'Pending',
						value: 'pending',
						description: 'The client submitted portal credentials; the first login has not ended yet',
					},
					{ name: 'Success', value: 'success', description: 'The portal login worked' },
					{
						name: 'Failure',
						value: 'failure',
						description: 'The portal login failed; the client must re-enter credentials (retry)',
					},
					{
						name: 'Other',
						value: 'other',
						description:
							'A status word with no clear meaning of pending, success or failure; the word PortalDuct sent is in the item\'s statusSent',
					},
				],
				description:
					'Which connection statuses start the workflow. PortalDuct\'s words are read in any case and spelling (e.g. Active, connected, ok: Success; error, login_failed, invalid_credentials: Failure; in_progress, queued: Pending).',
			},
			{
				displayName:
					'Only one PortalDuct Trigger per PortalDuct account can be published: PortalDuct keeps one webhook URL per account. Publishing is refused while another address holds the account, unless Replace Existing Registration is on. While you test this trigger ("Test this trigger" or the panel\'s "Execute step", 1.x: "Listen for test event"), PortalDuct\'s events go to the editor; when the test ends, the published workflow receives them again.',
				name: 'oneRegistrationNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Include Headers',
						name: 'includeHeaders',
						type: 'boolean',
						default: false,
						description: 'Whether to add the delivery\'s HTTP headers to each item',
					},
					{
						displayName: 'Replace Existing Registration',
						name: 'replaceExistingRegistration',
						type: 'boolean',
						default: false,
						description:
							'Whether to take the PortalDuct account over when it sends its portal login changes to an address that is not this trigger: another PortalDuct Trigger workflow (in this n8n or another), another system. That address then receives nothing (a workflow there stays published but gets no events), and is not restored when this workflow is unpublished. A test listen only borrows the account: another PortalDuct Trigger of this credential gets it back when the test ends, and an address whose signing secret cannot be known here is not taken by a test. Off: publishing is refused and the error names the address.',
					},
					{
						displayName: 'Require Signatures',
						name: 'requireSignatures',
						type: 'boolean',
						default: false,
						description:
							'Whether to refuse every delivery without a valid signature from the start. Off: unsigned deliveries are accepted until the first signed one arrives, then refused (so a PortalDuct that never signs still works).',
					},
					{
						displayName: 'Sign Deliveries',
						name: 'signDeliveries',
						type: 'boolean',
						default: true,
						description:
							'Whether to register a secret so PortalDuct can sign deliveries; signed deliveries are verified, and every delivery must carry this node\'s URL token either way',
					},
				],
			},
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkExists.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await create.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await remove.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		// Every answer is sent here, at once. Not left to n8n: with an execution to start, n8n answers
		// after starting it, and building the execution's Workflow from the static data object this
		// call shares clears its changed flag, so n8n never saved this call's eventIds (2.41.1,
		// measured; n8n source: packages/cli/src/webhooks/live-webhooks.ts, ObservableObject).
		const answer = (status: number, body: IDataObject): IWebhookResponseData => {
			this.getResponseObject().status(status).json(body);
			return { noWebhookResponse: true };
		};
		const refuse = (status: number, message: string) => answer(status, { received: false, message });

		const staticData = this.getWorkflowStaticData('node');
		const record = recordOf(this, recordsOf(staticData));
		if (!record || !sameSecret(record.token, (this.getQueryData() as IDataObject)[TOKEN_PARAMETER])) {
			return refuse(401, 'Unknown or missing delivery token');
		}
		const body = this.getBodyData() as unknown;
		const request = this.getRequestObject() as unknown as { rawBody?: Buffer };
		const raw = (): Buffer | string => request.rawBody ?? JSON.stringify(body) ?? '';
		const trigger = `${this.getWorkflow().id ?? ''}|${recordKey(this)}`;
		const signature = this.getHeaderData()[SIGNATURE_HEADER];
		if (record.secret) {
			if (signature !== undefined) {
				const check = verifySignature(signature, raw(), record.secret, Math.floor(Date.now() / 1000));
				if (!check.ok) return refuse(401, `Signature refused: ${check.reason}`);
				markSigned(trigger);
				if (!record.signed) record.signed = true; // written once, not per delivery
			} else if (record.signed || seenSigned(trigger) || this.getNodeParameter('options.requireSignatures', false)) {
				// Once PortalDuct signs, an unsigned delivery is someone who only knows the URL.
				return refuse(401, 'Signature required: this registration receives signed deliveries');
			}
		}

		// Authentic from here on: whatever its content, it is answered 2xx and not lost. Fields,
		// status words and wrappers are read in their common variants (api/deliveries.ts).
		const delivery = readDelivery(body);
		const key = deliveryKey(delivery, raw);
		// Acknowledge redeliveries (PortalDuct delivers at least once) without a second execution:
		// this process's memory first (checked and filled before anything can interleave), then the
		// keys static data carried across restarts.
		const fresh = firstInProcess(trigger, key);
		if (!fresh || record.seen.includes(key)) return answer(200, { received: true, duplicate: true });
		const wanted = this.getNodeParameter('statuses', [...deliveryStatuses]) as DeliveryStatus[];
		if (!wanted.includes(delivery.status)) {
			return answer(200, { received: true, ignored: `status ${delivery.status} is not selected` });
		}
		// Only events that start an execution cost a static data write; it carries every recent one.
		carryRecentEvents(trigger, record.seen, key);
		const item: IDataObject = toItem(delivery, key, body);
		if (this.getNodeParameter('options.includeHeaders', false) as boolean) {
			item.headers = this.getHeaderData() as IDataObject;
		}
		return { ...answer(200, { received: true }), workflowData: [this.helpers.returnJsonArray([item])] };
	}
}
