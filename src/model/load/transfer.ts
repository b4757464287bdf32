import { LineIndex, type Diagnostic } from '../../diag/index.js';
import type { Resource } from '../resources.js';
import { KIND_SCHEMAS, lazySpans, recordedPositions, spansOnDemand } from '../schema/index.js';
import { decodeSource } from './decode.js';
import { fastYamlNodeReader } from './fast-yaml.js';
import { loadText, recordAgain, type FileContext, type LoadResult, type LoadSource } from './load.js';

/*
 * Loading a file on another thread. A loaded resource cannot cross threads as it is: its
 * `spans` is a proxy over the file's positions (and, for the kinds whose positions are
 * recorded on demand, a closure that reads the file again). So the loading thread sends
 * the resource without it, plus the positions it recorded as plain arrays (or none, when
 * they are left for first use) and the file's line starts; the receiving thread, which has
 * the same bytes, decodes the text again (cheap next to parsing it) and rebuilds each
 * resource's span record over its own copy. The result equals loading the file here.
 */

/** One resource as it crosses threads: everything but its span record. */
export interface TransferredResource {
  resource: Omit<Resource, 'spans'>;
  /** The positions recorded while decoding; absent when they are recorded on demand. */
  recorded?: { pointers: string[]; offsets: number[] };
}

/** One file loaded on another thread. */
export type TransferredFile =
  | { file: string; loaded: true; diagnostics: Diagnostic[]; resources: TransferredResource[]; starts: Int32Array; fast: boolean }
  /** The file could not be decoded as text: its one diagnostic. */
  | { file: string; loaded: false; diagnostics: Diagnostic[] };

/** Loads one file for another thread (see above). */
export function loadForTransfer(source: LoadSource): TransferredFile {
  const decoded = decodeSource(source.file, source.bytes);
  if (!decoded.ok) return { file: source.file, loaded: false, diagnostics: [decoded.diagnostic] };
  const result: LoadResult = { resources: [], diagnostics: [] };
  const loaded = loadText(source.file, decoded.text, result);
  const resources = result.resources.map((resource): TransferredResource => {
    const { spans, ...rest } = resource;
    const recorded = recordedPositions(spans);
    return recorded ? { resource: rest, recorded } : { resource: rest };
  });
  return { file: source.file, loaded: true, diagnostics: result.diagnostics, resources, starts: loaded.lines.starts, fast: loaded.reread !== undefined };
}

/** The file's LoadResult in this thread, from what loadForTransfer sent for the same bytes. */
export function adoptTransferred(source: LoadSource, transferred: TransferredFile): LoadResult {
  if (!transferred.loaded) return { resources: [], diagnostics: transferred.diagnostics };
  const decoded = decodeSource(source.file, source.bytes);
  if (!decoded.ok) throw new Error(`${source.file}: decoded on another thread, not on this one`);
  const text = decoded.text;
  const lines = new LineIndex(text, transferred.starts);
  const ctx: FileContext = {
    file: source.file,
    text,
    lines,
    starts: lines.starts,
    diagnostics: [],
    pointers: new Map(),
    ...(transferred.fast ? { reread: fastYamlNodeReader(text) } : {}),
  };
  const resources = transferred.resources.map(({ resource, recorded }) => {
    let spans: Resource['spans'];
    if (recorded) {
      spans = lazySpans(source.file, ctx.starts, recorded);
    } else {
      spans = spansOnDemand(source.file, ctx.starts, recordAgain(resource.span.offset, KIND_SCHEMAS[resource.kind].document, ctx));
    }
    return { ...resource, spans } as Resource;
  });
  return { resources, diagnostics: transferred.diagnostics };
}
