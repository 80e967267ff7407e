# tunelab_set_warnings(target): the project's warning policy, errors included.
function(tunelab_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wformat=2 -Werror
    # Designated initializers leave the other members at their defaults on purpose.
    -Wno-missing-field-initializers)
  # Lets g++ vectorise loops that call sqrt/exp (no errno branch); we never read errno.
  # -fno-semantic-interposition: calls inside a shared library may be inlined (nobody
  # interposes tunelab's own functions).
  target_compile_options(${target} PRIVATE -fno-math-errno -fno-semantic-interposition)
endfunction()
