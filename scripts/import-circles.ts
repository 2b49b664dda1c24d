// Finds import circles among the TypeScript files of a folder (default src/), with the TypeScript
// parser: every relative `import`/`export … from`/`import()`/`import('…')` type. Between files and
// between folders (src/app/requests, src/app/approvals, …), with type-only imports (circles of design)
// and without them (circles at run time). Prints each strongly connected group with one shortest
// circle through it; exits 1 if there is any circle. test/lint/import-circles.test.ts runs it on src/.
// Usage: node scripts/import-circles.ts [folder]
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(process.argv[2] ?? 'src');
const files = readdirSync(root, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
  .map((e) => join(e.parentPath, e.name));
const known = new Set(files);

/** file → imported file → whether every import of it is type-only */
const edges = new Map<string, Map<string, boolean>>();
for (const file of files) {
  const out = new Map<string, boolean>();
  edges.set(file, out);
  const add = (specifier: string, typeOnly: boolean): void => {
    if (!specifier.startsWith('.')) return;
    const target = resolve(dirname(file), specifier);
    const hit = [target, `${target}.ts`, join(target, 'index.ts')].find((t) => known.has(t));
    if (hit) out.set(hit, (out.get(hit) ?? true) && typeOnly);
  };
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const allNamedTypes =
        !!bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly) && !clause?.name;
      add(node.moduleSpecifier.text, !!clause && (clause.isTypeOnly || allNamedTypes));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteral(arg)) add(arg.text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

/** Strongly connected groups (Tarjan) of a graph given as node → successors. */
const stronglyConnected = (graph: Map<string, Set<string>>): string[][] => {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1 || graph.get(v)?.has(v)) groups.push(group.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) connect(v);
  return groups;
};

/** A shortest circle through `start` inside its group (breadth first). */
const circleThrough = (graph: Map<string, Set<string>>, start: string, group: Set<string>): string[] => {
  const from = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!group.has(w)) continue;
      if (w === start) {
        const path = [v];
        for (let p = v; p !== start;) {
          p = from.get(p)!;
          path.unshift(p);
        }
        return [...path, start];
      }
      if (!from.has(w)) {
        from.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
};

/** The graph of files, or of folders: the first `depth` segments of a path (files above that depth left out). */
const graphOf = (withTypes: boolean, depth?: number): Map<string, Set<string>> => {
  const key = (f: string): string | undefined => {
    const parts = relative(root, f).split('/');
    if (depth === undefined) return parts.join('/');
    return parts.length > depth ? parts.slice(0, depth).join('/') : undefined;
  };
  const graph = new Map<string, Set<string>>();
  for (const [file, out] of edges) {
    const from = key(file);
    if (from === undefined) continue;
    const set = graph.get(from) ?? new Set<string>();
    graph.set(from, set);
    for (const [target, typeOnly] of out) {
      const to = key(target);
      if (to !== undefined && (withTypes || !typeOnly) && (to !== from || depth === undefined)) set.add(to);
    }
  }
  return graph;
};

let circles = 0;
for (const [what, depth] of [
  ['files', undefined],
  ['folders two levels down (src/app/requests, …)', 2],
] as const) {
  for (const withTypes of [true, false]) {
    const graph = graphOf(withTypes, depth);
    const groups = stronglyConnected(graph);
    circles += groups.length;
    const found = groups.length === 0 ? 'no circle' : `${groups.length} circle group(s)`;
    console.log(`${what}, ${withTypes ? 'all imports' : 'value imports only (as run)'}: ${found}`);
    for (const group of groups) {
      console.log(`  among ${group.length}: ${group.join(', ')}`);
      console.log(`    e.g. ${circleThrough(graph, group[0]!, new Set(group)).join(' → ')}`);
    }
  }
}
console.log(`${files.length} files under ${relative(process.cwd(), root) || root}`);
process.exitCode = circles === 0 ? 0 : 1;
