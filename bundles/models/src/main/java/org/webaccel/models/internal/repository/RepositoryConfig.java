package org.webaccel.models.internal.repository;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the folder model repository, PID {@value FolderModelRepository#PID}. */
@ObjectClassDefinition(name = "WebAccel model repository",
        description = "A folder of models laid out as <path>/<name>/<version>/model.onnx, each with an optional "
                + "descriptor.json.")
public @interface RepositoryConfig {

    /** @return the repository folder; a relative path is resolved against webaccel.home or the working directory */
    @AttributeDefinition(name = "Path",
            description = "Repository folder. A relative path is resolved against the system property "
                    + "webaccel.home when set, else against the working directory.")
    String path() default "models";

    /** @return whether to copy the built-in demo models into the folder when they are absent */
    @AttributeDefinition(name = "Install demo models",
            description = "Copy the built-in demo models (text-encoder, image-classifier, audio-encoder) into "
                    + "the folder when their version folder is absent. Existing folders are never overwritten.")
    boolean installDemoModels() default true;

    /** @return seconds between scans of the folder for models added, changed or removed; 0 scans only on demand */
    @AttributeDefinition(name = "Scan interval",
            description = "Seconds between scans of the folder: a model folder added is served, a removed one "
                    + "unloaded, a changed model.onnx loaded anew. 0: only at activation and on load/unload.")
    int scanIntervalSeconds() default 2;

    /**
     * @return the most bytes a model may have, model.onnx and its external data files together; a page holds
     *         them all in its memory ({@link org.webaccel.models.internal.graph.PageSizeLimit})
     */
    @AttributeDefinition(name = "Page size limit",
            description = "The most bytes a model may have, model.onnx and its external data files together. A "
                    + "page holds them all in its 32-bit WebAssembly memory (4 GiB for everything) and a browser's "
                    + "ArrayBuffer may be limited to 2 GiB; the default is 2 GiB - 1. A larger model is refused "
                    + "when it loads.")
    long maxModelBytes() default 2147483647L;
}
