/**
 * What a business module is to the rest of the system ({@link dev.kurir.application.module.ModuleDescriptor}): one
 * declaration per module, from which the topology, the schemas, the metrics' labels and the configuration's module
 * names are derived.
 */
package dev.kurir.application.module;
