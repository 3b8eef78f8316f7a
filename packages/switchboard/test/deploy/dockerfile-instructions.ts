/**
 * Reads a Dockerfile into its instructions and build stages, as BuildKit would: comments and parser
 * directives dropped, `\` continuations joined, exec-form (JSON) arguments parsed, `--flag=value` options
 * split off. Enough to lint deploy/Dockerfile without a container engine.
 */

export type Instruction = {
  keyword: string;
  /** 1-based line where the instruction starts. */
  line: number;
  flags: Record<string, string>;
  /** Exec form (`["node", "x"]`) when the arguments are a JSON array. */
  exec: string[] | undefined;
  /** The arguments after the flags, split on whitespace (shell form) or the exec form's items. */
  args: string[];
  raw: string;
};

export type Stage = { image: string; name: string | undefined; line: number; instructions: Instruction[] };

export function parseInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  const lines = text.split('\n');
  let pending = '';
  let startLine = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    if (/^\s*#/.test(line)) continue; // a comment, also inside a continued instruction
    if (pending === '' && line.trim() === '') continue;
    if (pending === '') startLine = i + 1;
    const continued = /\\\s*$/.test(line);
    pending += `${continued ? line.replace(/\\\s*$/, '') : line} `;
    if (continued) continue;
    instructions.push(toInstruction(pending.trim(), startLine));
    pending = '';
  }
  if (pending.trim() !== '') throw new Error(`line ${startLine}: the instruction ends in a continuation with nothing after it`);
  return instructions;
}

function toInstruction(text: string, line: number): Instruction {
  const match = /^(\S+)\s*(.*)$/s.exec(text);
  if (!match) throw new Error(`line ${line}: not an instruction: ${text}`);
  const keyword = (match[1] ?? '').toUpperCase();
  let rest = match[2] ?? '';
  const flags: Record<string, string> = {};
  // HEALTHCHECK's options come before its CMD; other instructions' flags come first too.
  for (let flag = /^--([\w-]+)(?:=(\S*))?\s*/.exec(rest); flag; flag = /^--([\w-]+)(?:=(\S*))?\s*/.exec(rest)) {
    flags[flag[1] ?? ''] = flag[2] ?? 'true';
    rest = rest.slice(flag[0].length);
  }
  let exec: string[] | undefined;
  const jsonPart = keyword === 'HEALTHCHECK' ? rest.replace(/^CMD\s+/, '') : rest;
  if (jsonPart.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(jsonPart);
      if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) exec = parsed;
    } catch {
      exec = undefined; // not JSON: Docker runs it as shell form
    }
  }
  return { keyword, line, flags, exec, args: exec ?? rest.split(/\s+/).filter(Boolean), raw: text };
}

/** Splits instructions at each FROM; the instructions before the first FROM (ARG) belong to no stage. */
export function stagesOf(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args;
      stages.push({ image, name: as?.toUpperCase() === 'AS' ? name : undefined, line: instruction.line, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}
