// Result of decoding untrusted input: a value or one error code, never an exception.
// (std::expected is C++23; this is the small subset the codecs need.)
#pragma once

#include <cassert>
#include <utility>
#include <variant>

namespace bootstorm::proto {

template <class E>
struct Failure {
    E error;
};

template <class E>
Failure<E> fail(E error) {
    return Failure<E>{error};
}

template <class T, class E>
class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    Result(Failure<E> failure) : state_(std::in_place_index<1>, failure.error) {}

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    const T& value() const& {
        assert(ok());
        return std::get<0>(state_);
    }
    T& value() & {
        assert(ok());
        return std::get<0>(state_);
    }
    T&& value() && {
        assert(ok());
        return std::get<0>(std::move(state_));
    }
    const T& operator*() const& { return value(); }
    const T* operator->() const { return &value(); }

    E error() const {
        assert(!ok());
        return std::get<1>(state_);
    }

private:
    std::variant<T, E> state_;
};

}  // namespace bootstorm::proto
