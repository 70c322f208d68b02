package dev.concbench.domain;

/** A pod's result could not be read or does not fit the run it belongs to. */
public class ResultFormatException extends Exception {

    public ResultFormatException(String message) {
        super(message);
    }
}
