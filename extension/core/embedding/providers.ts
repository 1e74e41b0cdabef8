// Which onnxruntime execution providers to try for a device setting, in order. A GPU provider that
// is missing or fails falls back to the CPU, and the reason is kept so the user can see why.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The device setting: `auto` prefers a GPU when one works, `gpu` asks for one, `cpu` never tries. */
export type DeviceSetting = 'auto' | 'cpu' | 'gpu';

/** An onnxruntime execution provider name, e.g. `cpu`, `webgpu`, `dml`, `coreml`, `cuda`. */
export type ExecutionProvider = string;

/** The useful part of an onnxruntime error: its first line without the source location and assertion. */
export function conciseProviderError(message: string): string {
  const firstLine = message.split('\n')[0]!;
  return firstLine.replace(/^.*\bwas false\.\s*/, '').replace(/^\/onnxruntime_src\/\S+\s+/, '');
}

/** One provider that was tried and did not work, and why. */
export interface ProviderAttempt {
  provider: ExecutionProvider;
  error: string;
}

/** GPU providers per platform, best first. */
const GPU_PROVIDERS: Record<string, ExecutionProvider[]> = {
  linux: ['cuda', 'webgpu'],
  win32: ['dml', 'webgpu'],
  darwin: ['coreml', 'webgpu'],
};

/** The shared libraries a provider needs beyond the main runtime, per platform. */
const PROVIDER_LIBRARIES: Record<string, Record<string, string>> = {
  cuda: { linux: 'libonnxruntime_providers_cuda.so', win32: 'onnxruntime_providers_cuda.dll' },
  // WebGPU on Linux runs on Vulkan; without the loader it can only fail (and prints a warning).
  webgpu: { linux: 'libvulkan.so.1' },
};

/** Folders the dynamic loader searches on Linux, for checking that a library is installed. */
const LINUX_LIBRARY_DIRECTORIES = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/lib/x86_64-linux-gnu',
  '/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
  '/usr/local/lib',
];

/**
 * The providers to try, in order, always ending with `cpu`. GPU providers the installed
 * onnxruntime-node does not ship (`supported`) are left out, with the reason recorded.
 */
export function providerPlan(
  device: DeviceSetting,
  platform: NodeJS.Platform,
  supported: ReadonlySet<string>,
  libraryExists: (provider: string) => boolean,
  quantization: 'fp32' | 'int8' = 'fp32',
): { providers: ExecutionProvider[]; skipped: ProviderAttempt[] } {
  if (device === 'cpu') return { providers: ['cpu'], skipped: [] };
  const providers: ExecutionProvider[] = [];
  const skipped: ProviderAttempt[] = [];
  for (const provider of GPU_PROVIDERS[platform] ?? ['webgpu']) {
    if (device === 'auto' && quantization === 'int8' && provider === 'webgpu') {
      // Measured on an H200: WebGPU has no kernels for the dynamically quantized operators, so they
      // run on the CPU with copies in between, 2-6x slower than the CPU alone. `gpu` still tries it.
      skipped.push({ provider, error: 'int8 models run faster on the CPU than on WebGPU (its quantized operators fall back to the CPU); choose fp32 to use WebGPU' });
    } else if (!supported.has(provider)) {
      skipped.push({ provider, error: `onnxruntime-node on ${platform} does not include the ${provider} provider` });
    } else if (PROVIDER_LIBRARIES[provider] && !libraryExists(provider)) {
      skipped.push({ provider, error: `the ${provider} provider libraries are not installed (${PROVIDER_LIBRARIES[provider]![platform] ?? provider})` });
    } else {
      providers.push(provider);
    }
  }
  if (providers.length === 0 && skipped.length === 0) skipped.push({ provider: 'gpu', error: `no GPU provider is known for ${platform}` });
  providers.push('cpu');
  return { providers, skipped };
}

/**
 * Whether a provider's extra libraries are installed: the CUDA provider next to onnxruntime-node's
 * binding, the Vulkan loader where the system keeps libraries.
 */
export function providerLibraryExists(provider: string, platform: NodeJS.Platform = process.platform, arch: string = process.arch): boolean {
  const library = PROVIDER_LIBRARIES[provider]?.[platform];
  if (!library) return true;
  if (provider === 'webgpu') {
    const directories = [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ...LINUX_LIBRARY_DIRECTORIES];
    return directories.some((directory) => existsSync(path.join(directory, library)));
  }
  try {
    const require = createRequire(import.meta.url);
    const packageDirectory = path.dirname(require.resolve('onnxruntime-node/package.json'));
    return existsSync(path.join(packageDirectory, 'bin', 'napi-v6', platform, arch, library));
  } catch {
    return false;
  }
}
