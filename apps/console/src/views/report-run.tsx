// The service desk's reports run in the background: ask for one (a mutation), then poll the run until it is DONE.
import { gql, type DocumentNode } from '@apollo/client';
import { useMutation, useQuery } from '@apollo/client/react';
import { useEffect } from 'react';
import source from '../operations/report-run.graphql';

const REPORT_RUN = gql(source);

interface Payload {
  reportRun: { id: string } | null;
  userErrors: { field: string[] | null; code: string; message: string }[];
}
interface Run<Result> {
  reportRun: { id: string; status: 'REQUESTED' | 'RUNNING' | 'DONE' | 'FAILED'; progressPercent: number; error: string | null; result: Result | null } | null;
}

export function useReport<Result>(request: DocumentNode, field: string, variables: Record<string, string>) {
  const [ask, asked] = useMutation<Record<string, Payload>>(request);
  const key = JSON.stringify(variables);
  useEffect(() => {
    // Asked again only when the variables change (compared as text: a new object each render).
    void ask({ variables }).catch(() => undefined);
  }, [key]);
  const payload = asked.data?.[field];
  const id = payload?.reportRun?.id;
  const run = useQuery<Run<Result>>(REPORT_RUN, { variables: { id }, skip: !id, pollInterval: 500 });
  const status = run.data?.reportRun?.status;
  useEffect(() => {
    if (status === 'DONE' || status === 'FAILED') run.stopPolling();
  }, [status, run]);
  const refused = payload?.userErrors[0]?.message;
  const error = asked.error ?? run.error ?? (refused ? { message: refused } : status === 'FAILED' ? { message: run.data?.reportRun?.error ?? 'the report failed' } : undefined);
  return { result: status === 'DONE' ? (run.data?.reportRun?.result ?? null) : null, loading: status !== 'DONE', error, progress: run.data?.reportRun?.progressPercent ?? 0 };
}
