package io.portrait.ingestion.engine;

import java.io.Closeable;

/** The rows of one import file, read one at a time in file order, whatever its format. */
interface ImportRows extends Closeable {

    /** The next row, or null at the end of the file. */
    ImportReader.Row next();

    @Override
    void close();
}
