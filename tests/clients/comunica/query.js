#!/usr/bin/env node
// Run one SPARQL query with Comunica and print the answer as JSON on stdout.
//
//   node query.js sparql   ENDPOINT_URL        QUERY   the query against a SPARQL endpoint
//   node query.js traverse START_URL [--allow PREFIX] QUERY
//                                                      link traversal from START_URL (Comunica's
//                                                      default reachability: follow the IRIs of
//                                                      quads that match the query's patterns)
//
// Output: {"type": "bindings", "bindings": [{var: term}]}, {"type": "boolean", "boolean": b} or
// {"type": "quads", "quads": [{subject, predicate, object, graph}]}, each term as
// {termType, value, language?, datatype?}; plus "requests": every URL Comunica asked for, with
// its Accept header and the answer's status and content type. A URL outside the --allow
// prefixes (default: the origin of the start or endpoint URL) is never fetched: it is recorded
// with "refused": true, so the client stays on this machine.
'use strict';

const { QueryEngine: SparqlEngine } = require('@comunica/query-sparql');
const { QueryEngine: TraversalEngine } = require('@comunica/query-sparql-link-traversal');

function usage(message) {
  process.stderr.write(`${message}\nusage: node query.js sparql|traverse URL [--allow PREFIX]... QUERY\n`);
  process.exit(2);
}

function parseArguments(argv) {
  const [mode, url, ...rest] = argv;
  if (mode !== 'sparql' && mode !== 'traverse') usage(`unknown mode ${JSON.stringify(mode)}`);
  if (!url) usage('missing URL');
  const allow = [];
  let query;
  for (let i = 0; i < rest.length; i += 1) {
    if (rest[i] === '--allow') {
      allow.push(rest[i + 1]);
      i += 1;
    } else if (query === undefined) {
      query = rest[i];
    } else {
      usage(`unexpected argument ${JSON.stringify(rest[i])}`);
    }
  }
  if (!query) usage('missing QUERY');
  if (allow.length === 0) allow.push(`${new URL(url).origin}/`);
  return { mode, url, allow, query };
}

/** A fetch that only reaches the allowed prefixes and records every request. */
function recordingFetch(allow, requests) {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input.url;
    const headers = new Headers(init && init.headers);
    const entry = { url, method: (init && init.method) || 'GET', accept: headers.get('accept') };
    requests.push(entry);
    if (!allow.some((prefix) => url.startsWith(prefix))) {
      entry.refused = true;
      throw new Error(`refused: ${url} is outside ${allow.join(', ')}`);
    }
    const response = await fetch(input, init);
    entry.status = response.status;
    entry.contentType = response.headers.get('content-type');
    return response;
  };
}

function term(t) {
  const out = { termType: t.termType, value: t.value };
  if (t.termType === 'Literal') {
    if (t.language) out.language = t.language;
    out.datatype = t.datatype.value;
  }
  return out;
}

async function run({ mode, url, allow, query }) {
  const requests = [];
  const context = { fetch: recordingFetch(allow, requests) };
  let engine;
  if (mode === 'sparql') {
    engine = new SparqlEngine();
    context.sources = [{ type: 'sparql', value: url }];
  } else {
    engine = new TraversalEngine();
    context.sources = [url];
    context.lenient = true; // a link that cannot be read is skipped, as the engine's README advises
  }
  const result = await engine.query(query, context);
  const answer = { requests };
  if (result.resultType === 'bindings') {
    const bindings = await (await result.execute()).toArray();
    answer.type = 'bindings';
    answer.bindings = bindings.map((b) => Object.fromEntries([...b].map(([v, t]) => [v.value, term(t)])));
  } else if (result.resultType === 'boolean') {
    answer.type = 'boolean';
    answer.boolean = await result.execute();
  } else if (result.resultType === 'quads') {
    const quads = await (await result.execute()).toArray();
    answer.type = 'quads';
    answer.quads = quads.map((q) => ({
      subject: term(q.subject), predicate: term(q.predicate), object: term(q.object), graph: term(q.graph),
    }));
  } else {
    throw new Error(`unexpected result type ${result.resultType}`);
  }
  return answer;
}

run(parseArguments(process.argv.slice(2)))
  .then((answer) => {
    process.stdout.write(`${JSON.stringify(answer)}\n`);
    process.exit(0); // the traversal engine may keep timers alive after the answer is complete
  })
  .catch((error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
