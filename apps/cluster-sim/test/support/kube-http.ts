/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument -- Kubernetes JSON read for assertions; the shapes are what the tests check. */
import { request } from 'node:https';

import type { ClusterSimulator } from '../../src/index.js';

export interface KubeResponse {
  status: number;
  contentType: string;
  body: string;
  json<T = any>(): T;
}

/** One GET against the simulator over HTTPS, verifying its certificate with the CA it generated. */
export function kubeGet(sim: Pick<ClusterSimulator, 'url' | 'caCert' | 'token'>, path: string, headers: Record<string, string> = {}, token: string | null = sim.token): Promise<KubeResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, sim.url),
      { ca: sim.caCert, headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body, json: () => JSON.parse(body) });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A watch stream read line by line until `until` says stop (or the server ends it); resolves the events. */
export function kubeWatch(
  sim: Pick<ClusterSimulator, 'url' | 'caCert' | 'token'>,
  path: string,
  until: (events: Array<{ type: string; object: any }>) => boolean,
  timeoutMs = 5000,
): Promise<{ events: Array<{ type: string; object: any }>; endedByServer: boolean; headersAt: number; startedAt: number }> {
  return new Promise((resolve, reject) => {
    const events: Array<{ type: string; object: any }> = [];
    const startedAt = Date.now();
    let headersAt = 0;
    let buffered = '';
    let done = false;
    const req = request(new URL(path, sim.url), { ca: sim.caCert, headers: { Authorization: `Bearer ${sim.token}` } }, (res) => {
      headersAt = Date.now();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          if (line.trim()) events.push(JSON.parse(line));
        }
        if (!done && until(events)) {
          done = true;
          clearTimeout(timer);
          req.destroy();
          resolve({ events, endedByServer: false, headersAt, startedAt });
        }
      });
      res.on('end', () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve({ events, endedByServer: true, headersAt, startedAt });
      });
      res.on('error', () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve({ events, endedByServer: true, headersAt, startedAt });
      });
    });
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      req.destroy();
      reject(new Error(`watch ${path} did not finish in ${timeoutMs} ms; got ${events.length} events`));
    }, timeoutMs);
    req.on('error', (error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(error);
    });
    req.end();
  });
}
