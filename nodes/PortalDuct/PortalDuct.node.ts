import {
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type JsonObject,
} from 'n8n-workflow';

import { actionProperties, findAction } from './actions';
import { CREDENTIAL_TYPE } from './api';
import { editorHints, runHints } from './hints';
import { readRunOptions, runOptionsField } from './run-options';
import { forEachBounded } from './transport/limiter';
import { startRun } from './transport/run';
import type { CheckedItem } from './actions/types';

/** The error as n8n shows it for item `itemIndex`: API errors stay API errors (HTTP code kept). */
function placeError(ctx: IExecuteFunctions, error: Error, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError) {
		return new NodeApiError(ctx.getNode(), error as unknown as JsonObject, {
			itemIndex,
			message: error.message,
			description: error.description ?? undefined,
			httpCode: error.httpCode ?? undefined,
		});
	}
	return new NodeOperationError(ctx.getNode(), error, { itemIndex });
}

export class PortalDuct implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'PortalDuct',
		name: 'portalDuct',
		icon: { light: 'file:portalduct.svg', dark: 'file:portalduct.dark.svg' },
		group: ['transform'],
		version: 1,
		// "getBalance: client" -> "Get Balance: Client" on the canvas.
		subtitle:
			'={{ $parameter["operation"].charAt(0).toUpperCase() + $parameter["operation"].slice(1).replace(/([A-Z])/g, " $1") + ": " + $parameter["resource"].charAt(0).toUpperCase() + $parameter["resource"].slice(1) }}',
		description:
			'Onboard customers and clients in PortalDuct, manage the portal login webhook, and read client invoices and balances',
		defaults: { name: 'PortalDuct' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties: [...actionProperties(), runOptionsField],
		hints: editorHints,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const action = findAction(resource, operation);
		if (!action) {
			// n8n adds a "Custom API Call" entry to nodes whose credential has `authenticate`.
			const custom = operation === '__CUSTOM_API_CALL__' || resource === '__CUSTOM_API_CALL__';
			throw new NodeOperationError(
				this.getNode(),
				custom ? 'Custom API calls are made with the HTTP Request node' : `Unknown action "${operation}" of "${resource}"`,
				{
					description: custom
						? 'Add an HTTP Request node, set Authentication to "Predefined Credential Type" and pick "PortalDuct API": it logs in and refreshes the token like this node does.'
						: undefined,
				},
			);
		}
		const continueOnFail = this.continueOnFail();
		// "On Error: Continue (using error output)": n8n routes an item to the error output when its
		// json holds only `error`, `message` and `details` (n8n-core WorkflowExecute
		// .handleNodeErrorOutput), then adds the input row's fields. Setting the item's `error`
		// instead would route it too, but n8n then cuts its json down to the message alone.
		const toErrorOutput = this.getNode().onError === 'continueErrorOutput';
		const errorItem = (error: Error, item: number): INodeExecutionData => {
			const placed = placeError(this, error, item);
			const said: IDataObject = {
				...(placed instanceof NodeApiError && placed.httpCode ? { httpCode: placed.httpCode } : {}),
				...(placed.description ? { description: placed.description } : {}),
			};
			const json: IDataObject = toErrorOutput
				? { error: placed.message, details: said }
				: {
						error: placed.message,
						...(said.description ? { errorDescription: said.description } : {}),
						...(said.httpCode ? { httpCode: said.httpCode } : {}),
					};
			return { json, pairedItem: { item } };
		};

		// Every item's fields are checked before the first request, so a bad row stops the run
		// before anything is created (or, continuing on fail, becomes an error item on its own).
		const checked: CheckedItem[] = [];
		const refused = new Map<number, Error>();
		for (let i = 0; i < items.length; i++) {
			try {
				checked[i] = action.read.call(this, i);
			} catch (error) {
				if (!continueOnFail) throw placeError(this, error as Error, i);
				refused.set(i, error as Error);
			}
		}

		const options = readRunOptions(this);
		const run = startRun(this, options);
		// Items run `concurrency` at a time; each item's results go in its own slot, so the output
		// is in input order whatever finishes first.
		const results: INodeExecutionData[][] = [];
		const lanes = action.writes && !continueOnFail ? 1 : options.concurrency;
		await forEachBounded(items.length, lanes, async (i) => {
			const refusal = refused.get(i);
			if (refusal) {
				results[i] = [errorItem(refusal, i)];
				return;
			}
			try {
				const result = await checked[i](run);
				results[i] = (Array.isArray(result) ? result : [result]).map((json) => ({
					json: json as IDataObject,
					pairedItem: { item: i },
				}));
			} catch (error) {
				if (!continueOnFail) throw placeError(this, error as Error, i);
				results[i] = [errorItem(error as Error, i)];
			}
		});
		const output = results.flat();
		const hints = runHints(this, `${resource}:${operation}`, output.length, run);
		if (hints.length > 0) this.addExecutionHints(...hints);
		return [output];
	}
}
