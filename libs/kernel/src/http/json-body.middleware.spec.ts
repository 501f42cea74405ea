import { request as httpRequest } from 'node:http';
import express from 'express';
import { jsonBody } from './json-body.middleware';
import { startHttpServer, type RunningHttpServer } from './http-server';

describe('jsonBody', () => {
  let server: RunningHttpServer;

  beforeAll(async () => {
    const app = express();
    app.post('/graphql', jsonBody(100), (req, res) => {
      res.json({ body: req.body ?? null });
    });
    server = await startHttpServer(app, { host: '127.0.0.1', port: 0 });
  });

  afterAll(() => server.close(1000));

  const post = (body: string, contentType = 'application/json') =>
    fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': contentType }, body });

  it('hands a JSON body within the limit to the next handler', async () => {
    const response = await post('{"query":"{ a }"}');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ body: { query: '{ a }' } });
  });

  it('rejects a body over the limit with 413 and a GraphQL-shaped PAYLOAD_TOO_LARGE error', async () => {
    const response = await post(JSON.stringify({ query: 'q'.repeat(200) }));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      errors: [{ message: 'Request body exceeds the limit of 100 bytes', extensions: { code: 'PAYLOAD_TOO_LARGE', limitBytes: 100 } }],
    });
  });

  it('rejects an oversize chunked body that declares no Content-Length', async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
      request.on('error', reject);
      request.write('{"query":"');
      request.write('q'.repeat(300));
      request.end('"}');
    });
    expect(status).toBe(413);
    expect(JSON.parse(body).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('rejects malformed JSON with 400 and a GraphQL-shaped BAD_REQUEST error', async () => {
    const response = await post('{"query": ');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('rejects an unsupported charset with its 4xx status and BAD_REQUEST', async () => {
    const response = await post('{}', 'application/json; charset=klingon');
    expect(response.status).toBe(415);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('passes a request that is not JSON with an undefined body', async () => {
    const response = await post('query { a }', 'application/graphql');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ body: null });
  });
});
