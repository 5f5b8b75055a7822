// source2
#include <iostream>
int main() { std::cout << "two\n"; }
