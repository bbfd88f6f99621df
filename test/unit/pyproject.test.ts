// The pyproject.toml reader: dependency arrays with the place of each requirement, and a degraded read of broken TOML.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupDependencies, readPyproject } from '../../server/src/workspace/pyproject.ts';

const TEXT = `[build-system]
requires = ["uv_build>=0.7,<10000"]
build-backend = "uv_build"

[project]
name = "app"   # the name
dependencies = [
    "anyio==3.7.0",  # pinned
    'django>=4 ; python_version >= "3.10"',
    "req\\u0075ests",
]
optional-dependencies.test = [
    """pytest>=8""",
]

[dependency-groups]
dev = ["ruff", {include-group = "test"}]
test = ["hypothesis"]

[tool.uv]
override-dependencies = ["idna<3.4"]
`;

const at = (r?: { start: { line: number; character: number } }) => (r ? `${r.start.line}:${r.start.character}` : undefined);

test('each dependency with its name, specifier, marker and the place of its name', () => {
  const py = readPyproject(TEXT);
  assert.equal(py.error, undefined);
  assert.equal(py.name, 'app');
  assert.deepEqual(
    py.dependencies.map((d) => [d.name, d.specifier, d.marker, at(d.nameRange)]),
    [
      ['anyio', '==3.7.0', undefined, '7:5'],
      ['django', '>=4', 'python_version >= "3.10"', '8:5'],
      // An escape inside the literal: the line is known, the name's column is not.
      ['requests', undefined, undefined, undefined],
    ],
  );
  assert.equal(at(py.dependencies[2].range), '9:4');
  assert.deepEqual(
    py.optionalDependencies.get('test')!.map((d) => [d.name, at(d.nameRange)]),
    [['pytest', '12:7']],
  );
  assert.deepEqual(
    py.buildRequires.map((d) => [d.name, at(d.nameRange)]),
    [['uv-build', '1:13']],
  );
  assert.equal(py.buildBackend?.value, 'uv_build');
  assert.deepEqual(
    py.uvOverrides.map((d) => [d.name, at(d.nameRange)]),
    [['idna', '20:26']],
  );
  assert.deepEqual(
    groupDependencies(py, 'dev').map((d) => [d.name, at(d.nameRange)]),
    [
      ['ruff', '16:8'],
      ['hypothesis', '17:9'],
    ],
  );
});

test('TOML that does not parse: the error, and the arrays the scan still finds', () => {
  const py = readPyproject(TEXT.replace('[tool.uv]', '[tool.uv'));
  assert.match(py.error ?? '', /./);
  assert.deepEqual(
    py.dependencies.map((d) => [d.name, at(d.nameRange)]),
    [
      ['anyio', '7:5'],
      ['django', '8:5'],
      ['requests', undefined],
    ],
  );
  assert.deepEqual(
    groupDependencies(py, 'dev').map((d) => d.name),
    ['ruff', 'hypothesis'],
  );
});

test('never throws, whatever the text', () => {
  for (const text of ['', '[', 'a = [', 'dependencies = ["x', '[project]\ndependencies = [1, {a = [}', '"""', '\u0000\uffff[[x]]]]']) {
    assert.doesNotThrow(() => readPyproject(text), text);
  }
});
