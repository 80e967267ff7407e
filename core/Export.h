#pragma once

// Symbols of libtunelab_core that plugins and the executable may use. Everything else stays
// hidden (-fvisibility=hidden); a class that crosses a library boundary must be exported and
// have an out-of-line destructor, or its typeinfo is duplicated per library.
#if defined(TUNELAB_CORE_BUILDING)
#define TUNELAB_API __attribute__((visibility("default")))
#else
#define TUNELAB_API __attribute__((visibility("default")))
#endif
