package dev.segmentation.registry;

/** An error answered to a client with Confluent's error code and HTTP status. */
final class RegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    static final int SUBJECT_NOT_FOUND = 40401;
    static final int VERSION_NOT_FOUND = 40402;
    static final int SCHEMA_NOT_FOUND = 40403;
    static final int SUBJECT_LEVEL_NOT_FOUND = 40408;
    static final int INVALID_SCHEMA = 42201;
    static final int INVALID_VERSION = 42202;
    static final int INVALID_COMPATIBILITY_LEVEL = 42203;
    static final int INCOMPATIBLE = 409;
    static final int STORE_ERROR = 50001;

    private final int errorCode;

    RegistryException(int errorCode, String message) {
        super(message);
        this.errorCode = errorCode;
    }

    int errorCode() {
        return errorCode;
    }

    /** Confluent's codes start with the HTTP status they go with. */
    int httpStatus() {
        return errorCode < 1000 ? errorCode : errorCode / 100;
    }
}
