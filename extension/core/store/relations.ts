// Relations: the `chunk_symbols` table (chunk id, name, role: defines, calls or imports; schema 5),
// written with the chunks by files.ts and removed with them. Resolution is by name: a call of `parse`
// is a call of every chunk defining `parse`, the nearest first (same file, same directory, elsewhere,
// ordered in SQL), except that a method calling a name its own class defines reaches that method only.
// A read-only index from before schema 5 has no table and no relations.
import { CHUNK_COLUMNS, toStoredChunk, type ChunkRow, type StoredChunk } from './chunks.ts';
import { StoreModule } from './connection.ts';

/** A chunk's relations as stored (see `ChunkRelations`): names, each list sorted. */
export interface StoredRelations {
  defines: string[];
  calls: string[];
  imports: string[];
}

/** How close a related chunk is to the chunk it was found for: name-only resolution prefers the nearest. */
export type Proximity = 'same-file' | 'same-directory' | 'elsewhere';

/** A chunk found by name (it defines or calls `name`), with how close it is to the path asked about. */
export interface SymbolMatch {
  name: string;
  chunk: StoredChunk;
  proximity: Proximity;
}

/** A callee of a chunk: the definition of a name it calls, from the closest of its definers. */
export interface CalleeMatch extends SymbolMatch {
  /** How many distinct definitions share that closest proximity (1 = unambiguous by name). */
  definitions: number;
}

export type RelationRole = keyof StoredRelations;
/** The roles a name has in a chunk, as `chunk_symbols.role` stores them. */
export const RELATION_ROLES: readonly RelationRole[] = ['defines', 'calls', 'imports'];
const PROXIMITIES: readonly Proximity[] = ['same-file', 'same-directory', 'elsewhere'];

/** What the chunks of one index database define, call and import. */
export class RelationStore extends StoreModule {
  /** Whether chunk_symbols exists (looked up once). */
  private relationsTable: boolean | undefined;

  /** The names a chunk defines, calls and imports (empty lists for a chunk without relations, or an index from before them). */
  relationsOfChunk(chunkId: number): StoredRelations {
    const relations: StoredRelations = { defines: [], calls: [], imports: [] };
    if (!this.hasRelations()) return relations;
    const rows = this.connection.run(() => this.database.prepare('SELECT name, role FROM chunk_symbols WHERE chunk_id = ? ORDER BY role, name').all(chunkId) as { name: string; role: RelationRole }[]);
    for (const row of rows) relations[row.role].push(row.name);
    return relations;
  }

  /**
   * Chunks of a chunker that define `name`, nearest to `near` first (same file, same directory, elsewhere),
   * then by path and line. The pieces of one split definition count once (its first piece).
   */
  definitionsOf(chunker: string, name: string, options: { near?: string; limit?: number } = {}): SymbolMatch[] {
    return this.chunksWithSymbol(chunker, name, 'defines', options);
  }

  /**
   * Chunks of a chunker that call `name`, nearest to `near` first; the pieces of one split caller count once.
   * Given the `definition` they are asked for, a method whose own class defines another `name` is left out: its
   * call reaches that one (`calleesOf`).
   */
  callersOf(chunker: string, name: string, options: { near?: string; limit?: number; definition?: Pick<StoredChunk, 'id' | 'scope'> } = {}): SymbolMatch[] {
    const callers = this.chunksWithSymbol(chunker, name, 'calls', options);
    const { definition } = options;
    if (definition === undefined) return callers;
    return callers.filter((caller) => {
      if (caller.chunk.scope.length === 0 || sameScope(caller.chunk.scope, definition.scope)) return true;
      return !inOwnClass(caller.chunk, this.definitionsFrom(caller.chunk, name)).some((match) => match.chunk.id !== definition.id);
    });
  }

  /**
   * The definitions of the names a chunk calls, resolved by name alone: for each name, the definitions at the
   * closest proximity to the chunk (same file, else same directory, else anywhere), at most `perName` of them,
   * never the chunk itself. A method calling a name its own class defines (`self.send()`, `this.send()`) reaches
   * that definition only, not the namesakes of other classes in its file (httpx's `Client` and `AsyncClient`).
   * `definitions` says how many were left (more than 1: ambiguous).
   */
  calleesOf(chunk: Pick<StoredChunk, 'id' | 'path' | 'chunker' | 'scope'>, options: { perName?: number } = {}): CalleeMatch[] {
    const perName = options.perName ?? 3;
    const callees: CalleeMatch[] = [];
    for (const name of this.relationsOfChunk(chunk.id).calls) {
      const definitions = this.definitionsFrom(chunk, name);
      const ownClass = inOwnClass(chunk, definitions);
      const reached = ownClass.length > 0 ? ownClass : definitions;
      const closest = reached.filter((match) => match.proximity === reached[0]?.proximity);
      for (const match of closest.slice(0, perName)) callees.push({ ...match, definitions: closest.length });
    }
    return callees;
  }

  /** The definitions of `name` a call from `caller` may reach, nearest first; a recursive call's own chunk is not one. */
  private definitionsFrom(caller: Pick<StoredChunk, 'id' | 'path' | 'chunker'>, name: string): SymbolMatch[] {
    return this.definitionsOf(caller.chunker, name, { near: caller.path, limit: 64 }).filter((match) => match.chunk.id !== caller.id);
  }

  /** Whether the database has relations at all (a read-only index of schema 4 or older has not). */
  private hasRelations(): boolean {
    this.relationsTable ??= this.connection.run(() => this.database.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'chunk_symbols'").get() !== undefined);
    return this.relationsTable;
  }

  private chunksWithSymbol(chunker: string, name: string, role: RelationRole, options: { near?: string; limit?: number }): SymbolMatch[] {
    if (!this.hasRelations()) return [];
    const near = options.near ?? '';
    const slash = near.lastIndexOf('/');
    const directory = slash < 0 ? '' : near.slice(0, slash + 1);
    const limit = options.limit ?? 50;
    return this.connection.run(() => {
      // Proximity in SQL, so that a name defined a thousand times still finds its same-file definition first.
      const rows = this.database
        .prepare(`SELECT ${CHUNK_COLUMNS},
            CASE WHEN :near IS NULL THEN 2
                 WHEN f.path = :near THEN 0
                 WHEN substr(f.path, 1, :directoryLength) = :directory AND instr(substr(f.path, :directoryLength + 1), '/') = 0 THEN 1
                 ELSE 2 END AS proximity
          FROM chunk_symbols s JOIN chunks c ON c.id = s.chunk_id JOIN files f ON f.id = c.file_id
          WHERE s.name = :name AND s.role = :role AND c.chunker = :chunker
          ORDER BY proximity, f.path, c.start_line LIMIT :limit`)
        .all({ near: options.near ?? null, directory, directoryLength: directory.length, name, role, chunker, limit: limit * 4 }) as (ChunkRow & { proximity: number })[];
      const matches: SymbolMatch[] = [];
      const seen = new Set<string>();
      for (const row of rows) {
        const chunk = toStoredChunk(row);
        // Pieces of one split chunk share path, kind, scope, symbol and count; the first one found stands for all.
        const whole = chunk.part === undefined ? `#${chunk.id}` : JSON.stringify([chunk.path, chunk.kind, chunk.scope, chunk.symbol ?? null, chunk.part.count]);
        if (seen.has(whole)) continue;
        seen.add(whole);
        matches.push({ name, chunk, proximity: options.near === undefined ? 'elsewhere' : PROXIMITIES[row.proximity]! });
        if (matches.length >= limit) break;
      }
      return matches;
    });
  }
}

/** Of the definitions a method `caller` may reach, those of its own class (its scope, in its file); none outside a class. */
function inOwnClass(caller: Pick<StoredChunk, 'scope'>, definitions: readonly SymbolMatch[]): SymbolMatch[] {
  if (caller.scope.length === 0) return [];
  return definitions.filter((match) => match.proximity === 'same-file' && sameScope(match.chunk.scope, caller.scope));
}

function sameScope(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, index) => name === b[index]);
}
