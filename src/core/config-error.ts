/**
 * A value the user chose cannot work (groups that do not divide a width, a CNN on 2-D points, …).
 * The message names the config key (`model.normOptions.groups: …`) and what would work; the CLI
 * reports it as bad input and the app shows it at the field. Declared in core because the model
 * and optimizer builders find some of these problems; src/config re-exports it.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
