export declare const commonBundleOptions: Record<string, unknown>;
export declare function bundleAgent(outfile: string): Promise<void>;
