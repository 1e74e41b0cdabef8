// The built-in lists behind discovery's defaults. Each is exported so settings, docs and tests can show it.

/** The default size limit: 1 MiB. Bigger files are rarely hand-written code worth embedding. */
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

/**
 * Version-control metadata, dependency and tool-cache folders, skipped as 'excluded' by default.
 * They hold other people's code or machine state, never the workspace's own sources.
 */
export const DEFAULT_EXCLUDES: readonly string[] = [
  // Version control.
  '**/.git',
  '**/.hg',
  '**/.svn',
  '**/.bzr',
  '**/_darcs',
  '**/CVS',
  '**/.jj',
  '**/.sl',
  // Dependencies.
  '**/node_modules',
  '**/bower_components',
  '**/jspm_packages',
  '**/.pnpm-store',
  '**/.yarn',
  '**/.venv',
  '**/Pods',
  '**/.terraform',
  // Tool caches.
  '**/__pycache__',
  '**/.tox',
  '**/.nox',
  '**/.mypy_cache',
  '**/.pytest_cache',
  '**/.ruff_cache',
  '**/.gradle',
];

/**
 * Files that commonly hold secrets, skipped as 'secret' by default so they never reach an index:
 * dotenv files (`.env`, `.env.local`, also `.env.example`, which is cheap to lose and often real),
 * private keys and keystores (`*.pem`, `*.key`, `id_rsa*` and the other OpenSSH key names, `*.p12`, `*.pfx`,
 * `*.jks`, `*.keystore`), and credential files (`credentials`, `credentials.json`, `.git-credentials`,
 * `.netrc`, `.npmrc`, `.pypirc`, `.htpasswd`, `*.kdbx`). A folder with one of these names is skipped whole.
 */
export const DEFAULT_SECRET_EXCLUDES: readonly string[] = [
  '**/.env',
  '**/.env.*',
  '**/*.pem',
  '**/*.key',
  '**/id_rsa*',
  '**/id_dsa*',
  '**/id_ecdsa*',
  '**/id_ed25519*',
  '**/*.p12',
  '**/*.pfx',
  '**/*.jks',
  '**/*.keystore',
  '**/credentials',
  '**/credentials.json',
  '**/.git-credentials',
  '**/.netrc',
  '**/.npmrc',
  '**/.pypirc',
  '**/.htpasswd',
  '**/*.kdbx',
];

/** Extensions (lower case, with the dot) of files that are binary whatever their first bytes say. */
export const BINARY_EXTENSIONS: ReadonlySet<string> = new Set([
  // Images.
  '.png', '.jpg', '.jpeg', '.gif', '.bmp', '.ico', '.icns', '.webp', '.tif', '.tiff', '.avif', '.heic', '.psd',
  // Fonts.
  '.woff', '.woff2', '.ttf', '.otf', '.eot',
  // Archives and packages.
  '.zip', '.gz', '.tgz', '.bz2', '.xz', '.zst', '.7z', '.rar', '.tar', '.jar', '.war', '.ear', '.apk', '.vsix',
  '.nupkg', '.whl', '.deb', '.rpm', '.dmg', '.iso',
  // Compiled code.
  '.exe', '.dll', '.so', '.dylib', '.o', '.a', '.lib', '.obj', '.class', '.pyc', '.pyo', '.wasm', '.node',
  // Audio and video.
  '.mp3', '.mp4', '.m4a', '.wav', '.ogg', '.flac', '.avi', '.mov', '.mkv', '.webm',
  // Documents.
  '.pdf', '.doc', '.docx', '.xls', '.xlsx', '.ppt', '.pptx', '.odt', '.ods', '.odp',
  // Databases and data.
  '.sqlite', '.sqlite3', '.db', '.parquet', '.arrow', '.feather', '.npy', '.npz', '.pkl', '.h5', '.hdf5',
  // Model weights.
  '.onnx', '.pt', '.pth', '.safetensors', '.tflite', '.gguf', '.ckpt',
  // Lock files that are binary.
  '.lockb',
]);

/** File names (lower case) of dependency lock files and checksum lists, skipped as 'generated'. */
export const GENERATED_FILE_NAMES: ReadonlySet<string> = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lock',
  'deno.lock',
  'cargo.lock',
  'go.sum',
  'gemfile.lock',
  'poetry.lock',
  'pipfile.lock',
  'pdm.lock',
  'uv.lock',
  'composer.lock',
  'mix.lock',
  'pubspec.lock',
  'podfile.lock',
  'packages.lock.json',
  'gradle.lockfile',
  'flake.lock',
  'package.resolved',
]);

/** Name endings (lower case) of build output, skipped as 'generated': minified bundles and source maps. */
export const GENERATED_FILE_SUFFIXES: readonly string[] = [
  '.min.js',
  '.min.mjs',
  '.min.cjs',
  '.min.css',
  '.js.map',
  '.mjs.map',
  '.cjs.map',
  '.css.map',
];

/** Extensions (lower case) whose content is checked for minification; other text keeps its long lines. */
export const MINIFIED_CHECK_EXTENSIONS: ReadonlySet<string> = new Set([
  '.js', '.mjs', '.cjs', '.jsx', '.css', '.json', '.map', '.svg', '.html', '.htm',
]);

/** The per-folder ignore files, in the order their rules apply (later ones win). */
export const GIT_IGNORE_FILE = '.gitignore';
export const SEMANTIC_SEARCH_IGNORE_FILE = '.semanticsearchignore';
