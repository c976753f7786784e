/**
 * The credentials helper n8n-core calls during a run, behaving like n8n's own
 * (packages/cli/src/credentials-helper.ts) minus the database, sharing, external secrets and
 * dynamic credentials: reads come from the CredentialStore, writes go back to it.
 */
import { getAdditionalKeys } from 'n8n-core';
import {
	ExpressionError,
	ICredentialsHelper,
	NodeHelpers,
	UserError,
	Workflow,
	getCredentialOwnRequestAllowedDomains,
	isExpression,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialsExpressionResolveValues,
	type IExecuteData,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeParameters,
	type INodeProperties,
	type INodeTypes,
	type IRequestOptionsSimplified,
	type IWorkflowDataProxyAdditionalKeys,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import type { CredentialStore } from './credential-store';
import type { HarnessCredentialTypes } from './node-types';

/** The node n8n resolves credential expressions against when no workflow context is given. */
const credentialResolutionNode: INode = {
	id: 'harness-credential-resolution',
	name: '',
	typeVersion: 1,
	type: 'n8n-nodes-base.noOp',
	position: [0, 0],
	parameters: {},
};

/** `$rawParameter` of an n8n whose sibling lookup fails (see `siblingLookupThrows`). */
const throwingSiblingLookup = new Proxy(
	{},
	{
		get(_target, name) {
			if (typeof name === 'string' && name.startsWith('&')) {
				throw new ExpressionError(`Could not find sibling parameter "${name.slice(1)}"`);
			}
			return undefined;
		},
	},
);

/**
 * As n8n does, hands a credential's `preAuthentication` only `httpRequest`, and applies the
 * credential's own allowed-domains setting to it.
 */
function restrictToCredentialDomains(
	helpers: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
): IHttpRequestHelper {
	return {
		helpers: {
			httpRequest: async (requestOptions: IHttpRequestOptions) => {
				const allowedDomains = getCredentialOwnRequestAllowedDomains(credentials);
				if (allowedDomains === undefined) return await helpers.helpers.httpRequest(requestOptions);
				if (requestOptions.allowedDomains !== undefined) {
					throw new UserError(
						'This credential restricts requests to specific domains, which cannot be combined with the ' +
							'domains its authentication step asks for.',
					);
				}
				return await helpers.helpers.httpRequest({ ...requestOptions, allowedDomains });
			},
		},
	};
}

export class HarnessCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly store: CredentialStore,
		private readonly credentialTypes: HarnessCredentialTypes,
		private readonly nodeTypes: INodeTypes,
	) {
		super();
	}

	getParentTypes(typeName: string): string[] {
		return this.credentialTypes.getParentTypes(typeName);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		if (!this.credentialTypes.recognizes(credentialType)) return true;
		if (!this.credentialTypes.getByName(credentialType).restrictToSupportedNodes) return true;
		return this.credentialTypes.getSupportedNodes(credentialType).includes(nodeType);
	}

	/** Adds the credential's authentication to the request (generic or function style). */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.credentialTypes.getByName(typeName);
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (typeof authenticate === 'object') {
			if (!workflow || !node) {
				throw new Error('Workflow and node are required for declarative credential authentication');
			}
			requestOptions.headers ??= {};
			if (authenticate.type === 'generic') {
				const target = requestOptions as unknown as Record<string, Record<string, unknown>>;
				for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
					for (const [key, value] of Object.entries(outerValue as Record<string, string>)) {
						const keyResolved = this.resolveValue(key, { $credentials: credentials }, workflow, node);
						const valueResolved = this.resolveValue(value, { $credentials: credentials }, workflow, node);
						target[outerKey] ??= {};
						target[outerKey][keyResolved] = valueResolved;
					}
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	/**
	 * Refreshes an expirable credential: runs the type's `preAuthentication` when the FIRST hidden
	 * `expirable` property is empty or the caller saw it expire, stores the result, returns it.
	 */
	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		const expirable = credentialType.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (expirable?.name === undefined) return undefined;
		if (typeof credentialType.preAuthentication !== 'function') return undefined;

		const current = credentials[expirable.name];
		if (!(current === '' || current === undefined || credentialsExpired)) return undefined;

		const output = await credentialType.preAuthentication.call(
			restrictToCredentialDomains(helpers, credentials),
			credentials,
		);
		if (output?.[expirable.name] === undefined) return undefined;

		const nodeCredentials = node.credentials?.[credentialType.name];
		if (!nodeCredentials) return undefined;
		// Persist onto the stored data, but never overwrite a field the user stored as an expression.
		const stored = await (await this.getCredentials(nodeCredentials, credentialType.name)).getData();
		const toPersist: ICredentialDataDecryptedObject = { ...stored };
		for (const [key, value] of Object.entries(output as ICredentialDataDecryptedObject)) {
			if (key === expirable.name || !isExpression(stored[key])) toPersist[key] = value;
		}
		await this.updateCredentials(nodeCredentials, credentialType.name, toPersist);
		return Object.assign(credentials, output as ICredentialDataDecryptedObject);
	}

	/** The in-memory variant n8n's OAuth2 path uses: no guard, no persistence. */
	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		const output = await credentialType.preAuthentication.call(
			restrictToCredentialDomains(helpers, credentials),
			credentials,
		);
		return (output as ICredentialDataDecryptedObject | undefined) ?? undefined;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		return this.store.credentials(this.storedId(nodeCredentials, type));
	}

	/** Credential reads so far (getDecrypted without `raw`): what a node costs n8n's database per read. */
	reads = 0;

	/**
	 * Plays an n8n whose sibling lookup `$rawParameter["&<field>"]` fails with an ExpressionError,
	 * which n8n's expression engine does not swallow (n8n-workflow Expression.renderExpression
	 * rethrows ExpressionErrors; today's lookup throws an UnexpectedError, which it turns into null).
	 * A credential field whose expression meets it fails the whole read.
	 */
	siblingLookupThrows = false;

	/** n8n's name for it: the type's defaults applied and expressions resolved, as a read does. */
	async applyDefaultsAndOverwrites(
		additionalData: IWorkflowExecuteAdditionalData,
		stored: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode,
	): Promise<ICredentialDataDecryptedObject> {
		return await this.applyDefaults(additionalData, stored, type, mode);
	}

	/** A fresh copy of the stored data each call, with type defaults and expressions resolved. */
	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.store.get(this.storedId(nodeCredentials, type)) ?? {};
		if (raw === true) return stored;
		this.reads++;
		return await this.applyDefaults(additionalData, stored, type, mode, executeData, expressionResolveValues);
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.store.update(this.storedId(nodeCredentials, type), data);
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const id = this.storedId(nodeCredentials, type);
		this.store.update(id, { ...(this.store.get(id) ?? {}), oauthTokenData: data.oauthTokenData });
	}

	/** The type's properties, parents' first (the child's win), as n8n merges them. */
	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.credentialTypes.getByName(type);
		if (credentialType.extends === undefined) return credentialType.properties;
		const combined: INodeProperties[] = [];
		for (const parent of credentialType.extends) {
			if (this.credentialTypes.recognizes(parent)) {
				NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
			}
		}
		NodeHelpers.mergeNodeProperties(combined, credentialType.properties);
		return combined;
	}

	/** n8n looks a credential up by id AND type; a mismatch is "not found". */
	private storedId(nodeCredentials: INodeCredentialsDetails, type: string): string {
		const { id } = nodeCredentials;
		if (!id) throw new UserError(`Credential "${nodeCredentials.name}" of type "${type}" has no id`);
		if (this.store.typeOf(id) !== type) {
			throw new UserError(`Credential with ID "${id}" does not exist for type "${type}".`);
		}
		return id;
	}

	private async applyDefaults(
		additionalData: IWorkflowExecuteAdditionalData,
		stored: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const properties = this.getCredentialsProperties(type);
		let data = NodeHelpers.getNodeParameters(
			properties,
			stored as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		if (stored.oauthTokenData !== undefined) data.oauthTokenData = stored.oauthTokenData;

		const additionalKeys: IWorkflowDataProxyAdditionalKeys = {
			...getAdditionalKeys(additionalData, mode, null, { isCredential: true }),
			// n8n-workflow spreads additional keys over its own, so this one replaces $rawParameter.
			...(this.siblingLookupThrows ? { $rawParameter: throwingSiblingLookup } : {}),
		};
		if (expressionResolveValues) {
			try {
				data = expressionResolveValues.workflow.expression.getParameterValue(
					data as INodeParameters,
					expressionResolveValues.runExecutionData,
					expressionResolveValues.runIndex,
					expressionResolveValues.itemIndex,
					expressionResolveValues.node.name,
					expressionResolveValues.connectionInputData,
					mode,
					additionalKeys,
					executeData,
					false,
					data,
				) as ICredentialDataDecryptedObject;
			} catch (error) {
				if (error instanceof Error) error.message += ' [Error resolving credentials]';
				throw error;
			}
			return data;
		}

		const workflow = new Workflow({
			nodes: [{ ...credentialResolutionNode }],
			connections: {},
			active: false,
			nodeTypes: this.nodeTypes,
		});
		await workflow.expression.acquireIsolate();
		try {
			return workflow.expression.getComplexParameterValue(
				credentialResolutionNode,
				data as INodeParameters,
				mode,
				additionalKeys,
				undefined,
				undefined,
				data,
			) as ICredentialDataDecryptedObject;
		} finally {
			await workflow.expression.releaseIsolate();
		}
	}

	private resolveValue(
		value: string,
		additionalKeys: IWorkflowDataProxyAdditionalKeys,
		workflow: Workflow,
		node: INode,
	): string {
		if (!isExpression(value)) return value;
		const resolved = workflow.expression.getSimpleParameterValue(node, value, 'internal', additionalKeys, undefined, '');
		return resolved ? resolved.toString() : '';
	}
}
