// Protocol conformance against a running Respond server (RESPOND_URL, RESPOND_CLIENT_ID, RESPOND_CLIENT_SECRET):
// every MUST audit of graphql-http's serverAudits, and the graphql-ws client subscribing with a bearer token.
// Prints one line per check and ends with "N passed, N failed"; exits non-zero on any failure.
import { buildClientSchema, getIntrospectionQuery } from 'graphql';
import { serverAudits } from 'graphql-http';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const base = process.env.RESPOND_URL ?? 'http://127.0.0.1:5170';
const clientId = process.env.RESPOND_CLIENT_ID ?? 'conformance';
const clientSecret = process.env.RESPOND_CLIENT_SECRET ?? 'conformance-secret-0123456789';
let passed = 0;
let failed = 0;
const report = (ok, name, detail) => {
  if (ok) passed++; else failed++;
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${ok || !detail ? '' : `: ${detail}`}`);
};

async function token() {
  const res = await fetch(`${base}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
  });
  if (!res.ok) throw new Error(`token endpoint answered ${res.status}: ${await res.text()}`);
  return (await res.json()).access_token;
}

async function audits(accessToken) {
  const fetchFn = (input, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${accessToken}`);
    return fetch(input, { ...init, headers });
  };
  for (const audit of serverAudits({ url: `${base}/graphql`, fetchFn })) {
    const result = await audit.fn();
    const must = audit.name.startsWith('MUST');
    if (must) report(result.status === 'ok', `graphql-http ${audit.id} ${audit.name}`, result.reason);
    else console.log(`${result.status === 'ok' ? 'OK  ' : 'NOTE'} graphql-http ${audit.id} ${audit.name}${result.status === 'ok' ? '' : `: ${result.reason}`}`);
  }
}

async function graphqlWs(accessToken) {
  const client = createClient({
    url: `${base.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${accessToken}` },
    retryAttempts: 0,
  });
  const orgId = `ws-${Date.now()}`;
  try {
    const received = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no auditRecorded message within 10 s')), 10_000);
      client.subscribe(
        { query: 'subscription { auditRecorded { action subjectId } }' },
        {
          next: (message) => {
            if (message.data?.auditRecorded?.subjectId === orgId) { clearTimeout(timer); resolve(message.data.auditRecorded); }
          },
          error: (e) => { clearTimeout(timer); reject(e instanceof Error ? e : new Error(JSON.stringify(e))); },
          complete: () => {},
        },
      );
    });
    // The subscription is registered once the server acknowledged it; give it a moment before causing the event.
    await new Promise((r) => setTimeout(r, 500));
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ query: `mutation { createOrganization(input: { id: "${orgId}", name: "graphql-ws check" }) { errors { code } } }` }),
    });
    if (!res.ok) throw new Error(`mutation answered ${res.status}`);
    const entry = await received;
    report(entry.action === 'organization.created', 'graphql-ws client receives auditRecorded with a bearer token in connectionParams', JSON.stringify(entry));
  } catch (e) {
    report(false, 'graphql-ws client receives auditRecorded with a bearer token in connectionParams', e.message);
  } finally {
    await client.dispose();
  }

  const refused = createClient({
    url: `${base.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: 'Bearer forged' },
    retryAttempts: 0,
  });
  try {
    const closeCode = await new Promise((resolve) => {
      refused.on('closed', (event) => resolve(event.code));
      refused.subscribe({ query: 'subscription { auditRecorded { id } }' }, { next: () => {}, error: () => {}, complete: () => {} });
    });
    report(closeCode === 4403, 'graphql-ws client with a forged token is closed with 4403', `closed with ${closeCode}`);
  } finally {
    await refused.dispose();
  }
}

async function gql(accessToken, query, variables) {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (!res.ok || body.errors) throw new Error(`GraphQL answered ${res.status}: ${JSON.stringify(body.errors ?? body)}`);
  return body.data;
}

// What GraphiQL, codegen, Apollo, Postman and Insomnia send, under the server's default limits: both variants of
// graphql-js' introspection query are answered with a schema graphql-js itself accepts.
async function introspection(accessToken) {
  for (const inputValueDeprecation of [false, true]) {
    const name = `getIntrospectionQuery({ inputValueDeprecation: ${inputValueDeprecation} }) answers a schema buildClientSchema accepts`;
    try {
      const schema = buildClientSchema(await gql(accessToken, getIntrospectionQuery({ inputValueDeprecation })));
      report(Object.keys(schema.getQueryType().getFields()).includes('activityCatalog'), name, 'Query lacks activityCatalog');
    } catch (e) {
      report(false, name, e.message);
    }
  }
}

// The rule engine end to end over the real transports: an ingested event matching an active rule reaches a
// graphql-ws subscriber of alertRaised.
async function alertRaised(accessToken) {
  const name = 'graphql-ws client receives alertRaised for a matching ingested event';
  const client = createClient({
    url: `${base.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${accessToken}` },
    retryAttempts: 0,
  });
  try {
    const settings = await gql(accessToken, '{ respondSettings { enabled requiredTerms } }');
    if (!settings.respondSettings.enabled) {
      await gql(accessToken, 'mutation($t: [String!]!) { turnOnRespond(input: { acknowledgedTerms: $t }) { errors { code } } }',
        { t: settings.respondSettings.requiredTerms });
    }
    await gql(accessToken, 'mutation { createOrganization(input: { id: "conformance", name: "Conformance" }) { errors { code } } }');
    const definition = {
      schemaVersion: 1,
      nodes: [
        { id: 'trigger', type: 'trigger.event', config: { eventTypes: ['conformance.alert'] } },
        { id: 'alert', type: 'alert.create', config: { title: 'Conformance alert {{id}}', severity: 'HIGH' } },
      ],
      edges: [{ from: 'trigger', to: 'alert' }],
    };
    const created = await gql(accessToken, 'mutation($d: JSON!) { createRule(input: { name: "conformance", outcome: ALERT_ONLY, organizationIds: ["conformance"], definition: $d }) { rule { id } errors { code message } } }', { d: definition });
    await gql(accessToken, 'mutation($id: ID!) { activateRule(input: { id: $id }) { errors { code } } }', { id: created.createRule.rule.id });

    const eventId = `conf-${Date.now()}`;
    const received = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no alertRaised within 10 s')), 10_000);
      client.subscribe({ query: 'subscription { alertRaised(organizationId: "conformance") { title severity organizationId } }' }, {
        next: (m) => { if (m.data?.alertRaised?.title === `Conformance alert ${eventId}`) { clearTimeout(timer); resolve(m.data.alertRaised); } },
        error: (e) => { clearTimeout(timer); reject(e instanceof Error ? e : new Error(JSON.stringify(e))); },
        complete: () => {},
      });
    });
    await new Promise((r) => setTimeout(r, 500));
    const res = await fetch(`${base}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify([{ id: eventId, organizationId: 'conformance', source: 'conformance', type: 'conformance.alert', severity: 'HIGH', time: new Date().toISOString() }]),
    });
    if (!res.ok) throw new Error(`POST /api/events answered ${res.status}: ${await res.text()}`);
    const alert = await received;
    report(alert.severity === 'HIGH' && alert.organizationId === 'conformance', name, JSON.stringify(alert));
  } catch (e) {
    report(false, name, e.message);
  } finally {
    await client.dispose();
  }
}

try {
  const accessToken = await token();
  await audits(accessToken);
  await introspection(accessToken);
  await graphqlWs(accessToken);
  await alertRaised(accessToken);
} catch (e) {
  report(false, 'conformance run', e.message);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
