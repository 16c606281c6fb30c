import packageJson from '../../package.json' with { type: 'json' };

/** trustwatch's version (semver), from package.json; the build inlines it. */
export const VERSION: string = packageJson.version;
