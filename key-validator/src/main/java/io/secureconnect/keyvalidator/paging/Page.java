package io.secureconnect.keyvalidator.paging;

import java.util.List;

/** One page of a list: the items, the page number (from 0), the page size and how many items exist in all. */
public record Page<T>(List<T> content, int page, int limit, long totalItems) {
}
