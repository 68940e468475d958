import { Gitlab, GitbeakerRequestError } from '@gitbeaker/rest';
import { NOTE_MARKER } from './note-body.js';

export interface MrTarget {
  /** `CI_API_V4_URL`, e.g. `https://gitlab.example.com/api/v4`. */
  apiUrl: string;
  /** Project or group access token (sent as PRIVATE-TOKEN). */
  token: string;
  projectId: string;
  mrIid: number;
}

export type NoteAction = 'created' | 'updated' | 'unchanged' | 'skipped' | 'forbidden';

export interface NoteOutcome {
  action: NoteAction;
  noteId?: number;
  /** Why a note could not be written (401/403), for a warning. */
  message?: string;
}

/** gitbeaker wants the instance URL and appends `/api/v4` itself; the instance may live under a path. */
export function instanceUrl(apiUrl: string): string {
  return apiUrl.replace(/\/+$/, '').replace(/\/api\/v4$/, '');
}

function statusOf(error: unknown): number | undefined {
  if (!(error instanceof GitbeakerRequestError)) return undefined;
  const response = (error.cause as { response?: { status?: unknown } } | undefined)?.response;
  return typeof response?.status === 'number' ? response.status : undefined;
}

/**
 * Creates or updates the one Keyless note on a merge request, found again by NOTE_MARKER, so reruns
 * never stack notes. A clean result creates nothing, but replaces an earlier note listing findings.
 * 401/403 come back as `forbidden` with advice: the note is informational, the check job blocks.
 */
export async function publishMrNote(target: MrTarget, body: string, clean: boolean): Promise<NoteOutcome> {
  const api = new Gitlab({ host: instanceUrl(target.apiUrl), token: target.token });
  try {
    const notes = await api.MergeRequestNotes.all(target.projectId, target.mrIid, {
      perPage: 100,
      orderBy: 'created_at',
      sort: 'asc',
    });
    const previous = notes.find((note) => !note.system && String(note.body).startsWith(NOTE_MARKER));
    if (previous) {
      if (previous.body === body) return { action: 'unchanged', noteId: previous.id };
      const updated = await api.MergeRequestNotes.edit(target.projectId, target.mrIid, previous.id, { body });
      return { action: 'updated', noteId: updated.id };
    }
    if (clean) return { action: 'skipped' };
    const created = await api.MergeRequestNotes.create(target.projectId, target.mrIid, body);
    return { action: 'created', noteId: created.id };
  } catch (error) {
    const status = statusOf(error);
    if (status === 401 || status === 403) {
      return {
        action: 'forbidden',
        message:
          `GitLab answered ${status} to the merge request notes API: the token cannot read or write notes ` +
          'on this merge request. Use a project or group access token with the `api` scope and at least ' +
          'the Reporter role, stored as the masked CI/CD variable KEYLESS_GITLAB_TOKEN ' +
          '(CI_JOB_TOKEN cannot write notes).',
      };
    }
    throw error;
  }
}
