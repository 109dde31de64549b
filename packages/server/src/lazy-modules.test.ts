import { expect, it } from 'vitest';
import { lazyModule, ModuleLoadError } from './lazy-modules.js';

it('imports once for every caller, at the first call', async () => {
  let imports = 0;
  const load = lazyModule('some-package', async () => {
    imports += 1;
    return { value: 42 };
  });
  expect(imports).toBe(0);
  const [a, b] = await Promise.all([load(), load()]);
  expect(a).toEqual({ value: 42 });
  expect(b).toBe(a);
  expect(await load()).toBe(a);
  expect(imports).toBe(1);
});

it('reports a failed load with the package named and the cause, and tries again at the next call', async () => {
  const cause = new Error("Cannot find module 'some-package'");
  let attempts = 0;
  const load = lazyModule('some-package', async () => {
    attempts += 1;
    if (attempts === 1) throw cause;
    return 'loaded';
  });
  const failure = await load().then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(ModuleLoadError);
  expect(failure).toMatchObject({
    message: 'Could not load some-package',
    moduleName: 'some-package',
    cause,
  });
  expect(await load()).toBe('loaded');
  expect(attempts).toBe(2);
});
